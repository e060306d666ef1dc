-- PostgreSQL twin of ../0005_one_drafts_table.sql (best effort: written for the issue 13
-- backend, whose initial schema is assumed to match 0001-0003).
ALTER TABLE drafts RENAME TO drafts_before_flows;

CREATE TABLE drafts (
    user_id    BIGINT  NOT NULL,
    party      TEXT    NOT NULL CHECK (party IN ('citizen', 'staff')),
    flow       TEXT    NOT NULL,
    nonce      TEXT    NOT NULL,
    step       TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}',    -- JSON
    updated_ts BIGINT  NOT NULL,
    PRIMARY KEY (user_id, party)
);
CREATE INDEX drafts_updated ON drafts (updated_ts);

INSERT INTO drafts (user_id, party, flow, nonce, step, data, updated_ts)
SELECT user_id, 'citizen', 'book', nonce, step, data, updated_ts FROM drafts_before_flows;

DROP TABLE drafts_before_flows;
DROP TABLE operator_drafts;
