"""Published outputs of stored results: PDF reports, workbooks, CSV, press summaries, jobs."""
