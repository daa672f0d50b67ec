"""What was filed and what came back: the SQLite store and its archive (store), one filing (filing), the commands as
functions and the one place a filing's status is worked out (filings), working days (workdays), follow-ups (remind)."""
