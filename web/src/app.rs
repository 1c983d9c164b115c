//! The root component and the one owner of the simulation.
//!
//! `App` holds the [`Playground`] and turns every user intent ([`Msg`]) into
//! a call on it; panels are pure views of data the app hands them. A ticker
//! advances virtual time by `speed × frame` while playing; the keyboard has
//! space (play/pause) and → (step).

use std::cell::RefCell;
use std::rc::Rc;

use cluster::{FaultAction, MemberId};
use gloo_timers::callback::Interval;
use playground::tutorials::{self, Tutorial};
use playground::{Playground, PlaygroundConfig, RaceSetup, RegistryListing, Scenario, TutorialPosition, UiLayout, UserAction};
use playground_core::quorum::MemberCount;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::panels::cluster_diagram::ClusterDiagram;
use crate::persistence::{self, Start};
use crate::panels::event_log::{EventLog, EVENTS_SHOWN};
use crate::panels::object_editor::{EditorLoad, ObjectEditor};
use crate::panels::partition_editor::PartitionEditor;
use crate::panels::quorum_table::QuorumTable;
use crate::panels::race_lab::RaceLab;
use crate::panels::registry_tree::{RegistryTree, RegistrySelection};
use crate::panels::request_trace::{CallSummary, RequestTrace, CALLS_LISTED};
use crate::panels::terminal::{Terminal, TerminalEntry, TerminalRequest};
use crate::panels::time_controls::TimeControls;
use crate::panels::tutorial::TutorialPanel;
use crate::panels::timeline::{format_seconds, Timeline};

/// Console lines kept for ↑/↓ and commands kept on screen.
const TERMINAL_HISTORY_ENTRIES: usize = 200;

/// A streaming command keeps only its newest output on screen (a watch on /registry/ can run for hours).
const TERMINAL_ENTRY_MAX_BYTES: usize = 64 * 1024;

/// Autosave every 2 s of wall time while playing (and after every action).
const AUTOSAVE_EVERY_FRAMES: u32 = 40;

/// Wall-clock milliseconds between two frames of the ticker.
pub const FRAME_MS: u32 = 50;

/// Cluster steps one frame may run (see `Playground::advance_to_within`;
/// the frame stops between two rounds or two controllers, and may run one
/// such part beyond it): two frames' worth of 7 members at 10x (some 60
/// steps each), so steady play never meets it, while the apiserver's first
/// round (some 350 steps in one go, about 75 ms of wasm) spreads over a few
/// frames and 100x makes virtual time lag instead of making each frame long.
pub const FRAME_STEP_BUDGET: u64 = 120;

/// How the page starts.
#[derive(Properties, PartialEq, Clone)]
pub struct AppProps {
    /// Start playing at once (tests turn this off and step by hand).
    #[prop_or(true)]
    pub autoplay: bool,
    /// The run's seed.
    #[prop_or(1)]
    pub seed: u64,
    /// Read share links and the autosave at start, and autosave (tests turn this off).
    #[prop_or(false)]
    pub persist: bool,
}

/// Everything the user can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// One frame of the ticker.
    Tick,
    TogglePlay,
    /// Run to the next event.
    Step,
    /// Advance virtual time by this many ms at once.
    Advance(u64),
    SetSpeed(f64),
    Fault(FaultAction),
    /// Crash a running member, restart a crashed one.
    ToggleMember(MemberId),
    Apply(String),
    Race(RaceSetup),
    /// Start a new run with this many members.
    Reset(u8),
    Registry(RegistrySelection),
    /// Put the run in the address bar as a share link.
    Share,
    Terminal(TerminalRequest),
    TerminalInput(String),
    /// The object editor's text changed (kubectl's `-f` reads it).
    EditorText(String),
    DismissBanner,
    /// Fold or unfold the panel with this id (a click on its heading); saved in the layout.
    TogglePanel(String),
    /// Open a tutorial at step 1 (`None`: close it).
    TutorialOpen(Option<String>),
    /// Go to this step of the open tutorial.
    TutorialStep(usize),
    /// Run the current step's scripted setup.
    TutorialSetup,
    /// Download the run as a JSON file.
    Export,
    /// A chosen file to import.
    ImportFile(web_sys::File),
    /// An imported file's name and text, read.
    Import { file_name: String, text: String },
    /// Show the run as it was at this virtual time (a replay).
    Scrub(u64),
    /// The user grabbed the timeline slider: pause.
    TimelineGrab,
    /// Leave the past for the live run, exactly as it was.
    BackToLive,
    /// Continue from the past moment shown, dropping the later actions.
    Fork,
    /// Follow this API call in the request trace panel.
    SelectTrace(playground::TraceId),
}

/// A message at the top of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Banner {
    pub is_error: bool,
    pub text: String,
}

/// The playground page.
pub struct App {
    playground: Playground,
    /// The live run, kept aside while `playground` shows a past moment of it.
    live: Option<Playground>,
    /// The /registry listing the tree shows, refreshed each frame by reading
    /// only the keys that changed (frames in which nothing changed keep the
    /// same `Rc`, so the tree panel skips rendering). Reset whenever
    /// `playground` is replaced.
    registry_listing: RefCell<RegistryListing>,
    persist: bool,
    /// Autosave while time plays (off after opening a link, until the user acts).
    autosave_ticks: bool,
    frames_since_save: u32,
    seed: u64,
    playing: bool,
    speed: f64,
    banner: Option<Banner>,
    registry: RegistrySelection,
    /// The API call the request trace follows (`None`: the newest write).
    traced_call: Option<playground::TraceId>,
    last_apply: Option<playground::ActionOutcome>,
    /// What `kubectl edit` last put into the object editor.
    editor_load: Option<EditorLoad>,
    /// The object editor's current text: the stdin of a console `kubectl ... -f`.
    editor_text: String,
    /// Shared with the terminal panel: a frame passes the same `Rc` (no copy,
    /// no deep compare of up to 200 outputs); a change copies one entry.
    terminal_entries: Rc<Vec<Rc<TerminalEntry>>>,
    terminal_input: String,
    terminal_candidates: Vec<String>,
    /// `etcdctl txn` being typed: the command line and the stdin lines read so far.
    pending_txn: Option<(String, String)>,
    history: console::History,
    ticker: Option<Interval>,
    /// `?bench`: measure each ticker frame (see `frame_marks`).
    bench: bool,
    /// A frame's start is marked and its render not yet measured.
    frame_pending: bool,
    keyboard: Option<Closure<dyn Fn(web_sys::KeyboardEvent)>>,
    /// Every tutorial, built once.
    tutorials: Rc<Vec<Tutorial>>,
    tutorial: Option<TutorialPosition>,
    /// Panels folded away (kept in links and autosave).
    collapsed_panels: Vec<String>,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let seed = ctx.props().seed;
        let fresh = || Playground::new(PlaygroundConfig { seed, member_count: 3 });
        // A shared run opens paused at the author's moment. After a link (good
        // or bad) only the user's own actions autosave, so opening a link
        // never overwrites their autosaved work by itself.
        let mut playing = ctx.props().autoplay;
        let mut autosave_ticks = ctx.props().persist;
        let tutorials = Rc::new(tutorials::all());
        let mut saved: Option<Scenario> = None;
        let (playground, banner) = if ctx.props().persist {
            match persistence::start() {
                Start::FromLink(playground, scenario) => {
                    autosave_ticks = false;
                    // `#t=<id>` is a fresh run: it plays like a fresh page.
                    let fresh_tutorial = scenario.actions.is_empty() && scenario.end_ms == 0 && scenario.tutorial.is_some();
                    let text = match scenario.tutorial.as_ref().and_then(|position| tutorials.iter().find(|tutorial| tutorial.id == position.id)) {
                        Some(tutorial) if fresh_tutorial => format!("Opened the tutorial “{}” at step 1.", tutorial.title),
                        _ => {
                            playing = false;
                            "Opened a shared run, paused where its author was. Press play to go on.".to_string()
                        }
                    };
                    saved = Some(scenario);
                    (playground, Some(Banner { is_error: false, text }))
                }
                Start::BadLink(error) => {
                    autosave_ticks = false;
                    let text = format!("{error}. Started a fresh playground; your autosaved work was not touched.");
                    (fresh(), Some(Banner { is_error: true, text }))
                }
                Start::FromAutosave(playground, scenario) => {
                    saved = Some(scenario);
                    (playground, Some(Banner { is_error: false, text: "Restored your last session.".into() }))
                }
                Start::Fresh => (fresh(), None),
            }
        } else {
            (fresh(), None)
        };
        let mut app = App {
            playground,
            live: None,
            registry_listing: RefCell::new(RegistryListing::default()),
            seed,
            playing,
            speed: 1.0,
            banner,
            autosave_ticks,
            persist: ctx.props().persist,
            frames_since_save: 0,
            registry: RegistrySelection::default(),
            traced_call: None,
            last_apply: None,
            editor_load: None,
            editor_text: crate::panels::object_editor::TEMPLATES[0].1.to_string(),
            terminal_entries: Rc::new(Vec::new()),
            terminal_input: String::new(),
            terminal_candidates: Vec::new(),
            pending_txn: None,
            history: console::History::new(TERMINAL_HISTORY_ENTRIES),
            ticker: None,
            bench: crate::frame_marks::bench_requested(),
            frame_pending: false,
            keyboard: None,
            tutorials,
            tutorial: None,
            collapsed_panels: Vec::new(),
        };
        if let Some(scenario) = saved {
            app.restore_view(&scenario);
        }
        app
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if first_render {
            crate::frame_marks::mark("first-render");
            let link = ctx.link().clone();
            self.ticker = Some(Interval::new(FRAME_MS, move || link.send_message(Msg::Tick)));
            self.keyboard = install_keyboard(ctx.link().clone());
        }
        if self.frame_pending {
            self.frame_pending = false;
            crate::frame_marks::measure_since("frame", "frame-start");
        }
    }

    fn destroy(&mut self, _ctx: &Context<Self>) {
        if let (Some(document), Some(keyboard)) = (document(), self.keyboard.take()) {
            document.remove_event_listener_with_callback("keydown", keyboard.as_ref().unchecked_ref()).ok();
        }
        self.ticker = None;
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Tick => {
                if !self.playing || self.live.is_some() {
                    return false;
                }
                // Ticks queued behind a long one run in the same task before one
                // render: the measure starts at the first, so it covers them all.
                if self.bench && !self.frame_pending {
                    crate::frame_marks::mark("frame-start");
                    self.frame_pending = true;
                }
                // Each tick's own simulation work: measured from its own start, so two
                // queued ticks give two measures that do not overlap.
                if self.bench {
                    crate::frame_marks::mark("frame-advance-start");
                }
                let virtual_ms = (f64::from(FRAME_MS) * self.speed).round().max(1.0) as u64;
                let target_ms = self.playground.now_ms().saturating_add(virtual_ms);
                // A bounded frame: when the budget runs out, virtual time lags behind the speed.
                self.playground.advance_to_within(target_ms, FRAME_STEP_BUDGET);
                if self.bench {
                    crate::frame_marks::measure_since("frame-advance", "frame-advance-start");
                }
                self.frames_since_save += 1;
                if self.autosave_ticks && self.frames_since_save >= AUTOSAVE_EVERY_FRAMES {
                    self.frames_since_save = 0;
                    let scenario = self.scenario();
                    persistence::autosave(&scenario);
                }
            }
            Msg::TogglePlay => {
                // Playing on from the past continues from there: a fork.
                self.fork_if_in_past();
                self.playing = !self.playing;
                if !self.playing {
                    // Paused: show the round a budgeted frame left open as finished,
                    // as a link made now would replay it.
                    self.playground.finish_round();
                }
            }
            Msg::Step => {
                self.fork_if_in_past();
                self.playing = false;
                self.playground.step();
            }
            Msg::Advance(duration_ms) => self.playground.advance(duration_ms),
            Msg::SetSpeed(speed) => self.speed = speed.clamp(0.1, 100.0),
            Msg::Fault(fault) => self.apply(UserAction::Fault { fault }),
            Msg::ToggleMember(member) => {
                let running = self.playground.view().cluster.members.iter().any(|view| view.id == member && view.running);
                let fault = if running { FaultAction::Crash { member } } else { FaultAction::Restart { member } };
                self.apply(UserAction::Fault { fault });
            }
            Msg::Apply(manifest) => self.apply(UserAction::Apply { manifest }),
            Msg::Race(setup) => self.apply(UserAction::Race { setup }),
            Msg::Reset(member_count) => match MemberCount::new(member_count) {
                Ok(members) => {
                    self.playground = Playground::new(PlaygroundConfig { seed: self.seed, member_count: members.get() });
                    self.registry_listing.get_mut().clear();
                    self.live = None;
                    self.registry = RegistrySelection::default();
                    self.banner = Some(Banner { is_error: false, text: format!("Started a new run with {members} members.") });
                }
                Err(error) => self.banner = Some(Banner { is_error: true, text: error.to_string() }),
            },
            Msg::Registry(selection) => self.registry = selection,
            Msg::Share => {
                let scenario = self.scenario();
                self.banner = Some(match persistence::share(&scenario) {
                    Some(link) => Banner {
                        is_error: false,
                        text: format!("The address bar now holds a link to this run ({} characters): copy it to share exactly what you see.", link.len()),
                    },
                    None => Banner { is_error: true, text: "Could not write the link into the address bar.".into() },
                });
            }
            Msg::TerminalInput(text) => {
                self.terminal_input = text;
                return false;
            }
            Msg::EditorText(text) => {
                self.editor_text = text;
                return false;
            }
            Msg::Terminal(request) => self.terminal(request),
            Msg::DismissBanner => self.banner = None,
            Msg::TogglePanel(id) => {
                match self.collapsed_panels.binary_search(&id) {
                    Ok(index) => {
                        self.collapsed_panels.remove(index);
                    }
                    Err(index) => self.collapsed_panels.insert(index, id),
                }
                self.save_view();
            }
            Msg::TutorialOpen(id) => {
                self.tutorial = id
                    .filter(|id| self.tutorials.iter().any(|tutorial| tutorial.id == *id))
                    .map(|id| TutorialPosition { id, step: 0 });
                self.save_view();
            }
            Msg::TutorialStep(step) => {
                let steps = self.open_tutorial().map_or(0, |tutorial| tutorial.steps.len());
                if let Some(position) = self.tutorial.as_mut() {
                    position.step = step.min(steps.saturating_sub(1));
                }
                self.save_view();
            }
            Msg::TutorialSetup => self.run_tutorial_setup(),
            Msg::Export => {
                let file_name = format!("playground-seed{}-{}ms.json", self.playground.config().seed, self.playground.now_ms());
                let scenario = self.scenario();
                if !persistence::export_file(&scenario, &file_name) {
                    self.banner = Some(Banner { is_error: true, text: "The browser refused the download.".into() });
                }
            }
            Msg::ImportFile(file) => {
                let link = ctx.link().clone();
                if !persistence::read_file(&file, move |file_name, text| link.send_message(Msg::Import { file_name, text })) {
                    self.banner = Some(Banner { is_error: true, text: "The browser could not read that file.".into() });
                }
            }
            Msg::Import { file_name, text } => self.import(&file_name, &text),
            Msg::Scrub(at_ms) => self.scrub(at_ms),
            Msg::TimelineGrab => self.playing = false,
            Msg::BackToLive => {
                if let Some(live) = self.live.take() {
                    self.playground = live;
                    self.registry_listing.get_mut().clear();
                }
            }
            Msg::SelectTrace(id) => self.traced_call = Some(id),
            Msg::Fork => {
                self.fork_if_in_past();
            }
        }
        // Time may have moved (ticks, steps, requests): stream what the console's running command printed.
        self.absorb_console_output();
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let measured = self.bench && self.frame_pending;
        if measured {
            crate::frame_marks::mark("view-start");
        }
        let html = self.view_page(ctx);
        if measured {
            crate::frame_marks::measure_since("frame-view", "view-start");
        }
        html
    }
}

impl App {
    /// The whole page (see `view`, which measures it with `?bench`).
    fn view_page(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let view = self.playground.view();
        let member_count = MemberCount::new(u8::try_from(view.cluster.members.len()).unwrap_or(u8::MAX)).unwrap_or(MemberCount::MIN);
        let member_ids: Vec<MemberId> = view.cluster.members.iter().map(|member| member.id).collect();
        let (entries, registry_error) = {
            let mut listing = self.registry_listing.borrow_mut();
            listing.refresh(&self.playground, self.registry.member, self.registry.revision);
            (listing.entries(), listing.error().map(str::to_string))
        };
        let (store_revision, compact_revision) = self.playground.store_revisions(self.registry.member).unwrap_or((1, 0));
        // One check per frame, for the step on screen only.
        let tutorial_done = self
            .tutorial
            .as_ref()
            .and_then(|position| self.open_tutorial()?.step(position.step))
            .is_some_and(|step| tutorials::evaluate(&step.check, &self.playground));
        let on_import = link.batch_callback(|event: Event| {
            let input = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())?;
            let file = input.files().and_then(|files| files.get(0));
            // Let the same file be chosen again later.
            input.set_value("");
            file.map(Msg::ImportFile)
        });
        let live = self.live.as_ref().unwrap_or(&self.playground);
        let viewing_ms = self.live.is_some().then(|| self.playground.now_ms());
        html! {
            <main class="app" data-testid="app">
                <header class="app-header">
                    <h1>{ "Kubernetes on etcd" }</h1>
                    <p class="tagline">{ "An etcd cluster and a kube-apiserver running in your browser tab." }</p>
                    <button data-testid="share" onclick={link.callback(|_| Msg::Share)}
                        title="Put a link to this run in the address bar: it replays exactly what you see, on any machine">{ "Share link" }</button>
                    <button data-testid="export" onclick={link.callback(|_| Msg::Export)}
                        title="Download this run as a JSON file">{ "Export" }</button>
                    <label class="import-button" title="Open a run exported as JSON (the current run is kept if the file is bad)">
                        { "Import " }<input type="file" accept=".json,application/json" data-testid="import" onchange={on_import} />
                    </label>
                </header>
                if let Some(banner) = &self.banner {
                    <div class={classes!("banner", if banner.is_error { "banner-error" } else { "banner-info" })}
                         role="alert" data-testid="banner">
                        <span>{ &banner.text }</span>
                        <button onclick={link.callback(|_| Msg::DismissBanner)} title="Dismiss">{ "×" }</button>
                    </div>
                }
                <TimeControls now_ms={view.cluster.now_ms} playing={self.playing} speed={self.speed}
                    on_toggle={link.callback(|_| Msg::TogglePlay)}
                    on_step={link.callback(|_| Msg::Step)}
                    on_speed={link.callback(Msg::SetSpeed)} />
                <Timeline end_ms={live.now_ms()} {viewing_ms} marks={Rc::new(live.timeline_marks())}
                    on_scrub={link.callback(Msg::Scrub)} on_grab={link.callback(|_| Msg::TimelineGrab)}
                    on_live={link.callback(|_| Msg::BackToLive)} on_fork={link.callback(|_| Msg::Fork)} />
                <div class="columns">
                    <div class="column">
                        { self.slot(link, "cluster", html! { <ClusterDiagram view={view.cluster.clone()}
                            on_member={link.callback(Msg::ToggleMember)}
                            on_message={link.callback(Msg::Fault)} /> }) }
                        { self.slot(link, "network", html! { <PartitionEditor members={member_ids.clone()} links={view.cluster.links.clone()}
                            on_fault={link.callback(Msg::Fault)} /> }) }
                        { self.slot(link, "request-trace", self.request_trace(link)) }
                        { self.slot(link, "events", html! { <EventLog records={self.playground.recent_events(EVENTS_SHOWN * 8)} /> }) }
                        { self.slot(link, "quorum", html! { <QuorumTable selected={member_count} on_select={link.callback(|members: MemberCount| Msg::Reset(members.get()))} /> }) }
                    </div>
                    <div class="column">
                        { self.slot(link, "tutorial", html! { <TutorialPanel tutorials={self.tutorials.clone()} position={self.tutorial.clone()} done={tutorial_done}
                            on_open={link.callback(Msg::TutorialOpen)} on_step={link.callback(Msg::TutorialStep)}
                            on_setup={link.callback(|()| Msg::TutorialSetup)} /> }) }
                        { self.slot(link, "editor", html! { <ObjectEditor on_apply={link.callback(Msg::Apply)} outcome={self.last_apply.clone()} load={self.editor_load.clone()} on_text={link.callback(Msg::EditorText)} /> }) }
                        { self.slot(link, "console", html! { <Terminal entries={self.terminal_entries.clone()} input={self.terminal_input.clone()}
                            candidates={self.terminal_candidates.clone()} txn_input={self.pending_txn.clone()}
                            on_request={link.callback(Msg::Terminal)} on_input={link.callback(Msg::TerminalInput)} /> }) }
                        { self.slot(link, "race-lab", html! { <RaceLab report={self.playground.last_race().cloned()} on_run={link.callback(Msg::Race)} /> }) }
                        { self.slot(link, "registry", html! { <RegistryTree {entries} error={registry_error} members={member_ids}
                            selection={self.registry.clone()} {store_revision} {compact_revision}
                            on_select={link.callback(Msg::Registry)} /> }) }
                    </div>
                </div>
            </main>
        }
    }

    /// The run plus what the page shows (tutorial, layout): what links,
    /// files and the autosave hold.
    fn scenario(&mut self) -> Scenario {
        // A budgeted frame may have stopped inside a controller round; the
        // replay of this scenario finishes it, so finish it here too.
        self.playground.finish_round();
        let mut scenario = self.playground.scenario();
        scenario.tutorial = self.tutorial.clone();
        scenario.layout = UiLayout {
            collapsed_panels: self.collapsed_panels.clone(),
            registry_member: self.registry.member.map(|member| member.0),
            registry_revision: self.registry.revision,
        };
        scenario
    }

    /// Takes the tutorial and layout of a loaded scenario (an unknown
    /// tutorial or a step past its end is dropped or clamped, not an error).
    fn restore_view(&mut self, scenario: &Scenario) {
        self.tutorial = scenario.tutorial.as_ref().and_then(|position| {
            let tutorial = self.tutorials.iter().find(|tutorial| tutorial.id == position.id)?;
            Some(TutorialPosition { id: position.id.clone(), step: position.step.min(tutorial.steps.len().saturating_sub(1)) })
        });
        self.collapsed_panels = scenario.layout.collapsed_panels.clone();
        let member = scenario.layout.registry_member.map(MemberId).filter(|member| self.playground.member_revisions().iter().any(|(id, _)| id == member));
        self.registry = RegistrySelection { member, revision: scenario.layout.registry_revision.max(0), key: None };
    }

    fn open_tutorial(&self) -> Option<&Tutorial> {
        let position = self.tutorial.as_ref()?;
        self.tutorials.iter().find(|tutorial| tutorial.id == position.id)
    }

    /// Saves after a change of what the page shows (not of the run).
    fn save_view(&mut self) {
        if self.persist {
            self.autosave_ticks = true;
            let scenario = self.scenario();
            persistence::autosave(&scenario);
        }
    }

    fn run_tutorial_setup(&mut self) {
        let Some(setup) = self.tutorial.as_ref().and_then(|position| self.open_tutorial()?.step(position.step)?.setup.clone()) else {
            return;
        };
        // A setup acts on the run on screen: in the past, that forks it.
        self.fork_if_in_past();
        self.registry_listing.get_mut().clear();
        let members_before = self.playground.config().member_count;
        let fresh = setup.fresh_members.is_some();
        let actions_before = if fresh { 0 } else { self.playground.action_log().len() };
        match setup.run(&mut self.playground) {
            Ok(()) => {
                if fresh {
                    self.registry = RegistrySelection::default();
                    self.last_apply = None;
                }
                // Say what the setup's last action got (a 409, a 410, etcdctl's output).
                self.banner = self.playground.action_log().get(actions_before..).and_then(<[_]>::last).map(|record| {
                    let status = record.status_codes.last().map(|code| format!("{code} ")).unwrap_or_default();
                    Banner { is_error: false, text: format!("Setup done. {status}{}", record.output.trim_end()) }
                });
            }
            Err(error) => self.banner = Some(Banner { is_error: true, text: format!("The setup stopped: {error}") }),
        }
        if fresh && members_before != self.playground.config().member_count {
            self.banner = Some(Banner { is_error: false, text: format!("Started a new run with {} members.", self.playground.config().member_count) });
        }
        self.save_view();
    }

    /// Replaces the run with an imported file's; a bad file changes nothing
    /// (the run and the autosave stay) and says what was wrong.
    fn import(&mut self, file_name: &str, text: &str) {
        match persistence::open_file_text(text) {
            Ok((mut playground, scenario)) => {
                // What the replay streamed belongs to the imported run, not to this console's entries.
                playground.take_console_output();
                self.playground = playground;
                self.live = None;
                self.registry_listing.get_mut().clear();
                self.playing = false;
                self.last_apply = None;
                self.restore_view(&scenario);
                self.banner = Some(Banner { is_error: false, text: format!("Imported {file_name}, paused where it was saved.") });
                self.save_view();
            }
            Err(error) => {
                self.banner = Some(Banner { is_error: true, text: format!("Could not import {file_name}: {error}. Your current run is unchanged.") });
            }
        }
    }

    /// The request trace panel: the newest calls and the followed one's path.
    fn request_trace(&self, link: &yew::html::Scope<App>) -> Html {
        let apiserver = self.playground.apiserver();
        let kept: Vec<&playground::RequestTrace> = apiserver.traces().collect();
        let calls: Vec<CallSummary> = kept
            .iter()
            .rev()
            .take(CALLS_LISTED)
            .map(|trace| CallSummary { id: trace.id, summary: trace.summary.clone(), status_code: trace.status_code, wrote: trace.revision.is_some() })
            .collect();
        let followed = self
            .traced_call
            .filter(|id| apiserver.trace(*id).is_some())
            .or_else(|| calls.iter().find(|call| call.wrote).map(|call| call.id));
        let path = followed.and_then(|id| self.playground.request_path(id));
        html! { <RequestTrace calls={Rc::new(calls)} {path} on_select={link.callback(Msg::SelectTrace)} /> }
    }

    /// A panel the user can fold by clicking its heading (the folded set is
    /// part of the layout that links, files and the autosave keep).
    fn slot(&self, link: &yew::html::Scope<App>, id: &'static str, panel: Html) -> Html {
        let collapsed = self.collapsed_panels.iter().any(|folded| folded == id);
        let on_click = link.batch_callback(move |event: MouseEvent| {
            let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
            let heading = target.closest("h2").ok()??;
            // Only the panel's own heading (a direct child of its section) folds it.
            let section = heading.parent_element()?;
            let slot = section.parent_element()?;
            (slot.get_attribute("data-panel").as_deref() == Some(id)).then(|| Msg::TogglePanel(id.to_string()))
        });
        html! {
            <div class={classes!("panel-slot", collapsed.then_some("collapsed"))} data-panel={id} onclick={on_click}>
                { panel }
            </div>
        }
    }

    fn terminal(&mut self, request: TerminalRequest) {
        self.terminal_candidates.clear();
        match request {
            TerminalRequest::Run(line) => {
                // While a txn is typed, every line (empty ones end its sections) is its stdin.
                if let Some((command, mut stdin)) = self.pending_txn.take() {
                    self.terminal_input.clear();
                    stdin.push_str(&line);
                    stdin.push('\n');
                    if console::txn_input_is_complete(&stdin) {
                        self.run_console_line(command, stdin);
                    } else {
                        self.pending_txn = Some((command, stdin));
                    }
                    return;
                }
                if line.trim().is_empty() {
                    return;
                }
                self.history.push(&line);
                self.terminal_input.clear();
                if console::Console::reads_txn_input(&line) {
                    self.pending_txn = Some((line, String::new()));
                    return;
                }
                // The page has no files: kubectl's `-f` reads the object editor's text as stdin.
                let stdin = if kubectl::kubectl_arguments(&line).is_some() { self.editor_text.clone() } else { String::new() };
                self.run_console_line(line, stdin);
            }
            TerminalRequest::Interrupt => {
                if self.pending_txn.take().is_some() {
                    // Ctrl-C while etcdctl reads its stdin: nothing ran, nothing is recorded.
                    self.terminal_input.clear();
                } else if self.playground.foreground_command().is_some() {
                    self.apply(UserAction::StopCommand);
                } else {
                    // bash drops the typed line on Ctrl-C.
                    self.terminal_input.clear();
                }
            }
            TerminalRequest::HistoryUp(current) => {
                if let Some(line) = self.history.up(&current) {
                    self.terminal_input = line;
                }
            }
            TerminalRequest::HistoryDown => {
                if let Some(line) = self.history.down() {
                    self.terminal_input = line;
                }
            }
            TerminalRequest::Complete(line) => {
                let candidates = self.playground.complete(&line, line.len());
                let word_start = line.rfind(' ').map(|index| index + 1).unwrap_or(0);
                match candidates.as_slice() {
                    [only] => self.terminal_input = format!("{}{only}", &line[..word_start]),
                    _ => self.terminal_candidates = candidates,
                }
            }
        }
    }

    /// Runs one console line (with its stdin) as a recorded action and adds its terminal entry.
    fn run_console_line(&mut self, line: String, stdin: String) {
        self.fork_if_in_past();
        // What the previous command printed up to now belongs to its own entry.
        self.absorb_console_output();
        let outcome = self.playground.apply(UserAction::Console { line: line.clone(), stdin });
        let (stdout, stderr, exit_code) = match outcome {
            Ok(outcome) => {
                if let Some(text) = outcome.editor_text {
                    let generation = self.editor_load.as_ref().map_or(1, |load| load.generation + 1);
                    self.editor_text = text.clone();
                    self.editor_load = Some(EditorLoad { generation, text });
                }
                let output = outcome.console.unwrap_or_default();
                (output.stdout, output.stderr, output.exit_code)
            }
            Err(error) => (String::new(), format!("{error}\n"), 1),
        };
        let command_number = self.playground.foreground_command_number();
        let running = command_number.is_some();
        let entries = Rc::make_mut(&mut self.terminal_entries);
        entries.push(Rc::new(TerminalEntry { line, stdout, stderr, exit_code, running, command_number }));
        let excess = entries.len().saturating_sub(TERMINAL_HISTORY_ENTRIES);
        entries.drain(..excess);
    }

    /// Appends streamed console output to the entry of the command that printed it.
    fn absorb_console_output(&mut self) {
        for chunk in self.playground.take_console_output() {
            let number = Some(chunk.command_number);
            // A command that started and ended within one action has no numbered entry yet: it is the newest.
            let index = self
                .terminal_entries
                .iter()
                .rposition(|entry| entry.command_number == number)
                .or(self.terminal_entries.len().checked_sub(1));
            let Some(entry) = index.and_then(|index| Rc::make_mut(&mut self.terminal_entries).get_mut(index)) else { continue };
            let entry = Rc::make_mut(entry);
            entry.command_number = number;
            entry.stdout.push_str(&chunk.stdout);
            entry.stderr.push_str(&chunk.stderr);
            keep_tail(&mut entry.stdout, TERMINAL_ENTRY_MAX_BYTES);
            if let Some(exit_code) = chunk.exit_code {
                entry.running = false;
                entry.exit_code = exit_code;
            }
        }
    }

    fn apply(&mut self, action: UserAction) {
        self.apply_without_save(action);
        if self.persist {
            self.autosave_ticks = true;
            let scenario = self.scenario();
            persistence::autosave(&scenario);
        }
    }

    /// Shows the run as it was at `at_ms`, keeping the live run aside; at or
    /// past the live end, returns to live.
    fn scrub(&mut self, at_ms: u64) {
        let live = self.live.as_ref().unwrap_or(&self.playground);
        if at_ms >= live.now_ms() {
            if let Some(live) = self.live.take() {
                self.playground = live;
                self.registry_listing.get_mut().clear();
            }
            return;
        }
        match Playground::replay_until(&live.scenario(), at_ms) {
            Ok(mut past) => {
                // The replay re-streams old console output: the terminal already shows it.
                past.take_console_output();
                self.playing = false;
                // A past store has fewer revisions: show its latest.
                self.registry.revision = 0;
                let live = std::mem::replace(&mut self.playground, past);
                self.registry_listing.get_mut().clear();
                self.live.get_or_insert(live);
            }
            Err(error) => self.banner = Some(Banner { is_error: true, text: format!("Could not replay the run to {}: {error}", format_seconds(at_ms)) }),
        }
    }

    /// Makes the past moment shown the live run, dropping the live run's
    /// later actions, and says so. Does nothing (false) when already live.
    fn fork_if_in_past(&mut self) -> bool {
        let Some(live) = self.live.take() else { return false };
        let at_ms = self.playground.now_ms();
        // The past's actions are a prefix of the live run's. (Count them rather
        // than compare times: a replay's clock can stand a little after the
        // moment asked for, when an apiserver call was waiting on etcd.)
        let dropped = live.scenario().actions.len().saturating_sub(self.playground.scenario().actions.len());
        let later = match dropped {
            0 => "no later actions were dropped".to_string(),
            1 => "1 later action was dropped".to_string(),
            count => format!("{count} later actions were dropped"),
        };
        self.banner = Some(Banner { is_error: false, text: format!("Forked from {}: {later}; the run goes on from here.", format_seconds(at_ms)) });
        true
    }

    fn apply_without_save(&mut self, action: UserAction) {
        let forked = self.fork_if_in_past();
        let is_apply = matches!(action, UserAction::Apply { .. });
        match self.playground.apply(action) {
            Ok(outcome) => {
                let failed = outcome.status_code.is_some_and(|code| code >= 400);
                if is_apply {
                    self.last_apply = Some(outcome.clone());
                }
                if failed {
                    self.banner = Some(Banner { is_error: true, text: outcome.message.clone() });
                } else if !forked {
                    self.banner = None;
                }
            }
            Err(error) => self.banner = Some(Banner { is_error: true, text: error.to_string() }),
        }
    }
}

/// Drops the oldest text (whole lines) until at most `max_bytes` remain.
fn keep_tail(text: &mut String, max_bytes: usize) {
    if text.len() <= max_bytes {
        return;
    }
    // A byte offset inside a multi-byte character would panic when slicing: move to the next boundary.
    let cut = (text.len() - max_bytes..=text.len()).find(|index| text.is_char_boundary(*index)).unwrap_or(text.len());
    let start = text[cut..].find('\n').map(|offset| cut + offset + 1).unwrap_or(text.len());
    text.drain(..start);
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|window| window.document())
}

/// Space toggles play, → steps; ignored while typing in a field.
fn install_keyboard(link: yew::html::Scope<App>) -> Option<Closure<dyn Fn(web_sys::KeyboardEvent)>> {
    let document = document()?;
    let closure = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |event: web_sys::KeyboardEvent| {
        let typing = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing {
            return;
        }
        match event.key().as_str() {
            " " => {
                event.prevent_default();
                link.send_message(Msg::TogglePlay);
            }
            "ArrowRight" => {
                event.prevent_default();
                link.send_message(Msg::Step);
            }
            _ => {}
        }
    });
    document.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref()).ok()?;
    Some(closure)
}
