"""File > Report…: the report dialog, the build off the GUI thread, and the window's mixin."""
