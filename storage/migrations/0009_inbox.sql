-- Webhook mode with several workers (bot/inbox.py, bot/leadership.py).

-- Every update Telegram delivers, kept until processed. The primary key is Telegram's own
-- update_id, so a second delivery of an update (Telegram retries when the answer is late) is
-- ignored; each chat's updates are processed in update_id order, by one worker at a time.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,          -- the chat, else the user, else 0: whose order is kept
    payload     TEXT    NOT NULL,          -- the update's JSON, as Telegram sent it
    received_ms INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0, -- times taken to be processed (a worker died: again)
    finished_ms INTEGER
);
CREATE INDEX inbox_pending ON inbox (update_id) WHERE state = 'pending';
CREATE INDEX inbox_pending_chat ON inbox (chat_id, update_id) WHERE state = 'pending';
CREATE INDEX inbox_finished ON inbox (finished_ms) WHERE state <> 'pending';

-- Who holds what until when: 'chat:ID' (a worker's lane processing that chat's updates) and
-- 'jobs' (the worker running the outbox and the periodic jobs). A holder renews its lease well
-- before it expires; an expired lease (its holder died) is taken over by the next who asks.
CREATE TABLE leases (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_ms INTEGER NOT NULL
);
