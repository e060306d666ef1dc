"""Every line of SQL, and nothing else: plain functions over a `sqlite3.Connection`, run by
`storage.db.Database.read` or `.write`."""
