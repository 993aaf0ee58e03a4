"""The engine: SimPy processes for citizen flows; experiments; summaries. No Qt, no files."""
