"""Every line of SQL, and nothing else: plain functions over a `storage.engine.Connection`
(SQLite or PostgreSQL), run by `storage.db.Database.read` or `.write`."""
