"""The reports app stores nothing of its own: its background jobs are tasks of Django's Tasks
framework (budaya.reports.jobs) followed through budaya.jobs.models.Job. Its former job table
(ReportJob) was removed by migration 0003."""
