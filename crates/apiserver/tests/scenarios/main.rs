//! Scenario tests of the simulated kube-apiserver, one module per story.
//! One test binary keeps the build fast.

mod support;

mod apply;
mod compaction_and_watch;
mod controllers;
mod malformed_input;
mod optimistic_locking;
mod partition;
mod random_traffic;
mod secrets_at_rest;
mod status_codes;
mod yaml_reader;
