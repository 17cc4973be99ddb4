"""Reports asked for on the web: the Laporan page (views), the report queue (jobs, models) and
the dedicated worker (worker). The builders themselves are the top-level `reports` package.

Nothing is imported here, so the worker loads no screen code."""
