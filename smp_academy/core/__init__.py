"""The thin core every domain builds on: errors, roles, storage, jobs, mail, clock, audit."""
