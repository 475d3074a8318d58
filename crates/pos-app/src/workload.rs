//! A seeded, replayable restaurant day (filled in with the replay work).
