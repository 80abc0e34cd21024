"""Administration: accounts, roles, cohorts, content, jobs and the audit log."""
