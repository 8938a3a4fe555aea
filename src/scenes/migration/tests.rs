use super::*;

#[test]
fn time_scale_is_a_round_number_and_runs_last_about_half_a_minute() {
    for total in [0.2, 4.0, 33.0, 41.0, 650.0, 5000.0] {
        let s = time_scale(total);
        let screen = total / s;
        assert!(
            screen > TARGET_SCREEN_SECS / 1.6 && screen <= TARGET_SCREEN_SECS * 1.001,
            "{total}: {s}"
        );
    }
    assert!((time_scale(41.0) - 1.5).abs() < 1e-12);
    assert!((time_scale(650.0) - 20.0).abs() < 1e-9);
}

#[test]
fn default_run_plays_in_twenty_to_forty_seconds_and_ends() {
    let scene = MigrationScene::new(&ParamMap::new());
    let secs = scene.built.end_tick as f64 * TICK_SECS;
    assert!((20.0..=40.0).contains(&secs), "{secs}");
    assert!(scene.built.main.report.converged);
    assert!(scene.caption().contains("1 s on screen = 1.5 s of migration"));
}

#[test]
fn compare_runs_both_strategies_on_one_clock() {
    let mut map = ParamMap::new();
    map.insert("compare".into(), ParamValue::Text("post-copy".into()));
    let mut scene = MigrationScene::new(&map);
    assert_eq!(
        scene.built.other.as_ref().map(|o| o.params.strategy),
        Some(Strategy::PostCopy)
    );
    scene.seek(scene.built.end_tick);
    assert!(scene.runs().all(|r| r.migration().is_finished()));
    // Comparing a strategy with itself is no comparison.
    map.insert("compare".into(), ParamValue::Text("pre-copy".into()));
    assert!(MigrationScene::new(&map).built.other.is_none());
}

#[test]
fn guests_above_sixteen_gib_are_drawn_at_sixteen() {
    let mut map = ParamMap::new();
    map.insert("memory_mib".into(), ParamValue::Num(65_536.0));
    let scene = MigrationScene::new(&map);
    assert_eq!(
        scene.params().get("memory_mib"),
        Some(&ParamValue::Num(MAX_DIAGRAM_MEMORY_MIB))
    );
    assert!((scene.built.main.params.memory_mib - MAX_DIAGRAM_MEMORY_MIB).abs() < 1e-9);
    assert!(scene.readouts().iter().any(|(label, _)| label == "Guest memory"));
    assert!(!MigrationScene::new(&ParamMap::new()).built.capped);
}

/// A scene whose next worker waits for the test's go, with a context that reports each
/// repaint request on a channel.
fn held_scene() -> (MigrationScene, mpsc::Sender<()>, mpsc::Receiver<()>) {
    let mut scene = MigrationScene::new(&ParamMap::new());
    let (go, hold) = mpsc::channel();
    scene.hold = Some(hold);
    let ctx = egui::Context::default();
    let (repainted, repaints) = mpsc::channel();
    let repainted = std::sync::Mutex::new(repainted);
    ctx.set_request_repaint_callback(move |_| {
        if let Ok(tx) = repainted.lock() {
            let _ = tx.send(());
        }
    });
    scene.ctx = Some(ctx);
    (scene, go, repaints)
}

/// Blocks until the worker has sent its result, then hands it back to the scene's own
/// channel, so the next `poll` (or frame) takes it: no clock, no guessed wait.
fn wait_for_worker(scene: &mut MigrationScene) {
    let pending = scene.pending.take().expect("a run is being computed");
    let result = pending.result.recv().expect("the worker answers");
    let (tx, rx) = mpsc::channel();
    tx.send(result).expect("the scene's channel is open");
    scene.pending = Some(Pending { result: rx, ..pending });
}

#[test]
fn new_settings_are_computed_off_the_ui_thread_and_the_old_run_stays_until_then() {
    // Issue 14.12: set_params must return within a frame even when the run is long.
    // The worker here waits for the test's go, so set_params returning at all, with the
    // run still pending, shows it did not compute the run itself.
    let (mut scene, go, repaints) = held_scene();
    let before = (scene.readouts(), scene.caption(), scene.end_tick());
    let mut heavy = ParamMap::new();
    heavy.insert("dirty_rate_mib_s".into(), ParamValue::Num(200.0));
    scene.set_params(heavy.clone());
    assert!(scene.is_computing());
    // The sliders show what was asked for; the diagram still shows the previous run.
    assert_eq!(scene.params().get("dirty_rate_mib_s"), Some(&ParamValue::Num(200.0)));
    assert_eq!(scene.end_tick(), before.2);
    assert_eq!(scene.caption(), before.1);
    assert!(scene.readouts().iter().any(|(label, _)| label == "Model"));
    scene.seek(10);
    assert!(!scene.poll());
    assert!(repaints.try_recv().is_err(), "nothing repaints while waiting");
    go.send(()).expect("the worker listens");
    wait_for_worker(&mut scene);
    // The worker wakes the UI once it has sent its run.
    repaints.recv().expect("one repaint to show the result");
    assert!(scene.poll(), "the run is taken by the next poll");
    assert!(!scene.is_computing());
    assert!(repaints.try_recv().is_err(), "only one repaint");
    // The result is the run the UI thread would have computed: deterministic.
    let direct = MigrationScene::new(&heavy);
    assert_eq!(scene.end_tick(), direct.end_tick());
    assert_eq!(scene.built.main.report, direct.built.main.report);
    assert_ne!(scene.end_tick(), before.2);
    assert!(!scene.readouts().iter().any(|(label, _)| label == "Model"));
    // Stepping back and forth works on the new run as on any other.
    scene.seek(500);
    let there = scene.readouts();
    scene.seek(20);
    scene.seek(500);
    assert_eq!(scene.readouts(), there);
}

/// Draws the scene once in a bare frame and returns what it reported.
fn frame(scene: &mut MigrationScene) -> SceneOutput {
    let ctx = egui::Context::default();
    crate::theme::install_fonts(&ctx);
    let theme = Theme::new(crate::theme::ThemeName::Projector);
    let mut out = SceneOutput::default();
    let mut full = ctx.run_ui(egui::RawInput::default(), |ui| {
        out = scene.diagram_ui(ui, &theme);
    });
    full.textures_delta.clear();
    out
}

#[test]
fn a_run_that_arrives_is_reported_to_the_shell_once_in_a_frame_or_after_settle() {
    // The shell reads the clock's end when a frame reports a new timeline.
    let (mut scene, go, _repaints) = held_scene();
    let mut heavy = ParamMap::new();
    heavy.insert("dirty_rate_mib_s".into(), ParamValue::Num(200.0));
    scene.set_params(heavy.clone());
    assert!(!frame(&mut scene).timeline_replaced, "nothing new while computing");
    go.send(()).expect("the worker listens");
    wait_for_worker(&mut scene);
    assert!(
        frame(&mut scene).timeline_replaced,
        "the frame that takes the run says so"
    );
    assert!(!frame(&mut scene).timeline_replaced, "once");
    // A run taken by `settle` (the command line, presets in tests) is reported too.
    let (mut scene, go, _repaints) = held_scene();
    scene.set_params(heavy);
    go.send(()).expect("the worker listens");
    scene.settle();
    assert!(!scene.is_computing());
    assert!(frame(&mut scene).timeline_replaced);
    assert!(!frame(&mut scene).timeline_replaced, "once");
}

#[test]
fn a_newer_request_cancels_the_one_still_running() {
    let (mut scene, go, _) = held_scene();
    let mut first = ParamMap::new();
    first.insert("dirty_rate_mib_s".into(), ParamValue::Num(200.0));
    scene.set_params(first);
    let cancel = scene.pending.as_ref().map(|p| Arc::clone(&p.cancel)).expect("pending");
    let mut second = ParamMap::new();
    second.insert("dirty_rate_mib_s".into(), ParamValue::Num(1.0));
    scene.set_params(second.clone());
    assert!(cancel.load(Ordering::SeqCst), "the first run was told to stop");
    drop(go);
    if scene.is_computing() {
        wait_for_worker(&mut scene);
        scene.poll();
    }
    assert_eq!(scene.params().get("dirty_rate_mib_s"), Some(&ParamValue::Num(1.0)));
    assert_eq!(scene.end_tick(), MigrationScene::new(&second).end_tick());
}

#[test]
fn numbers_read_well() {
    assert_eq!(group(21_345.0), "21 345");
    assert_eq!(group(4096.0), "4096");
    assert_eq!(secs_text(0.25), "250 ms");
    assert_eq!(secs_text(1.5), "1.5 s");
    assert_eq!(secs_text(2.0), "2 s");
    assert_eq!(ms_text(262.4), "262 ms");
}
