"""Questions over many runs (issue 8): how many replications (``run --precision``), what
warm-up (``warmup``), which assumptions matter (``sensitivity``, ``run --uncertainty``) and
the cheapest plan that meets every target (``optimise``). No Qt: imports sim and model only;
every batch of replications goes through :mod:`..sim.executor`."""
