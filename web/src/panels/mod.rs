//! One module per panel of the page. Each panel is a pure view: it renders
//! its `Properties` and reports user intent through callbacks.

pub mod quorum_table;
