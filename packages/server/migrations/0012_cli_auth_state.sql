-- Tank's real CLI logs in with its own dialect of the device flow: it sends a random `state` to
-- `start`, polls `exchange` with the session's id (`sessionCode`) and that state. Only the state's
-- hash is kept, like the poll token's.
ALTER TABLE device_codes ADD COLUMN state_hash text;
