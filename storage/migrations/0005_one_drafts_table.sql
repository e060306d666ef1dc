-- One drafts table for every conversation in progress (bot/domain/flows.py): a citizen's
-- booking, and an operator's /add, cancellation reason or closure to confirm. One draft per
-- user and party, so that an operator can be booking for themselves in the middle of an
-- operator's flow. The citizens' drafts move over as they are; the operators' are dropped:
-- they are abandoned after the conversation timeout anyway, and an operator who presses a
-- button of one is told it is no longer valid and starts again.
ALTER TABLE drafts RENAME TO drafts_before_flows;

CREATE TABLE drafts (
    user_id    INTEGER NOT NULL,
    party      TEXT    NOT NULL CHECK (party IN ('citizen', 'staff')),
    flow       TEXT    NOT NULL,
    nonce      TEXT    NOT NULL,
    step       TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}',    -- JSON
    updated_ts INTEGER NOT NULL,
    PRIMARY KEY (user_id, party)
);
CREATE INDEX drafts_updated ON drafts (updated_ts);

INSERT INTO drafts (user_id, party, flow, nonce, step, data, updated_ts)
SELECT user_id, 'citizen', 'book', nonce, step, data, updated_ts FROM drafts_before_flows;

DROP TABLE drafts_before_flows;
DROP TABLE operator_drafts;
