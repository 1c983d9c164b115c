//! The runtime passes openraft's own conformance suite for runtimes.

use sim_runtime::SimRuntime;

#[test]
fn the_simulated_runtime_passes_openraft_runtime_conformance_suite() {
    openraft_rt::testing::Suite::<SimRuntime>::test_all();
}
