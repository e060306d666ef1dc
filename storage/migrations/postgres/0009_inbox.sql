-- Webhook mode with several workers (bot/inbox.py, bot/leadership.py): the twin of
-- storage/migrations/0009_inbox.sql, whose comments explain the columns.

CREATE TABLE inbox (
    update_id   BIGINT  PRIMARY KEY,
    chat_id     BIGINT  NOT NULL,
    payload     TEXT    NOT NULL,
    received_ms BIGINT  NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    finished_ms BIGINT
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE state = 'pending';
CREATE INDEX inbox_pending_chat ON inbox (chat_id, update_id) WHERE state = 'pending';
CREATE INDEX inbox_finished ON inbox (finished_ms) WHERE state <> 'pending';

CREATE TABLE leases (
    name       TEXT   PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_ms BIGINT NOT NULL
);
