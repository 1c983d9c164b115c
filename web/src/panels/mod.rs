//! One module per panel of the page. Each panel is a pure view: it renders
//! its `Properties` and reports user intent through callbacks.

pub mod cluster_diagram;
pub mod event_log;
pub mod object_editor;
pub mod partition_editor;
pub mod quorum_table;
pub mod race_lab;
pub mod registry_tree;
pub mod request_trace;
pub mod terminal;
pub mod time_controls;
pub mod tutorial;
pub mod timeline;
