//! The state of the open lesson: its diagram, clock, quiz drafts and text cache.

use egui_commonmark::CommonMarkCache;

use crate::content::Glossary;
use crate::content::lesson::Lesson;
use crate::content::quiz::grade;
use crate::scenes::{self, Scene};
use crate::sim::catalog::ParamMap;
use crate::sim::clock::Clock;
use crate::ui::quiz::Draft;

use super::progress::Progress;

/// The open lesson.
pub struct LessonView {
    /// Lesson id.
    pub id: String,
    /// Its diagram (None when the lesson did not load).
    pub scene: Option<Box<dyn Scene>>,
    /// The diagram's clock.
    pub clock: Clock,
    /// Size the diagram was last drawn at, points (for pictures of it).
    pub diagram_size: egui::Vec2,
    /// Where the diagram was last drawn, points (for the text audit).
    pub diagram_rect: egui::Rect,
    /// One draft per quiz question, in quiz order.
    pub drafts: Vec<Draft>,
    /// Index of the click-the-diagram question waiting for a click.
    pub picking: Option<usize>,
    /// Markdown render cache (with the preset and source link hooks).
    pub markdown: CommonMarkCache,
    /// The caption last announced, so a change can be announced once.
    pub caption: String,
    /// The lesson text with glossary terms turned into `#term:` links.
    pub linked_text: String,
    /// Ids of the glossary terms the text links to (each has a link hook).
    pub term_links: Vec<String>,
    /// Whether the text panel should scroll to the quiz on the next frame.
    pub jump_to_quiz: bool,
}

impl LessonView {
    /// Opens a lesson: builds its scene and restores answered questions from progress.
    pub fn open(id: &str, lesson: Option<&Lesson>, progress: &Progress) -> Self {
        let mut view = Self {
            id: id.to_owned(),
            scene: None,
            clock: Clock::default(),
            diagram_size: egui::vec2(1280.0, 720.0),
            diagram_rect: egui::Rect::NOTHING,
            drafts: Vec::new(),
            picking: None,
            markdown: CommonMarkCache::default(),
            caption: String::new(),
            linked_text: String::new(),
            term_links: Vec::new(),
            jump_to_quiz: false,
        };
        let Some(lesson) = lesson else { return view };
        view.scene = scenes::create(&lesson.diagram.scene, &lesson.diagram.params);
        view.sync_end();
        for p in &lesson.diagram.presets {
            view.markdown.add_link_hook(format!("#preset:{}", p.id));
        }
        for s in &lesson.sources {
            view.markdown.add_link_hook(format!("#source:{}", s.id));
        }
        view.drafts = lesson
            .quiz
            .iter()
            .map(|q| {
                let mut d = Draft::new(id, q);
                if let Some(record) = progress.get(id, &q.id) {
                    let g = grade(q, &record.answer, &|p: &ParamMap, r: &str| model_readout(lesson, p, r));
                    d.result = Some((record.answer.clone(), g));
                }
                d
            })
            .collect();
        view
    }

    /// Links the lesson's glossary terms: bold terms become `#term:` links with hooks, so a
    /// click opens the glossary at that term instead of leaving the app.
    pub fn link_glossary(&mut self, glossary: &Glossary, lesson: Option<&Lesson>) {
        let Some(lesson) = lesson else { return };
        self.linked_text = glossary.link_terms(&lesson.text);
        self.term_links = glossary.terms_in(&lesson.text).iter().map(|t| t.id.clone()).collect();
        for id in &self.term_links {
            self.markdown.add_link_hook(format!("#term:{id}"));
        }
    }

    /// Tells the clock where the scene's timeline ends.
    pub fn sync_end(&mut self) {
        let end = self.scene.as_ref().and_then(|s| s.end_tick());
        self.clock.set_end_tick(end);
    }

    /// Moves the diagram to a preset: lesson parameters, then the preset's, then its moment.
    pub fn apply_preset(&mut self, lesson: &Lesson, preset_id: &str) -> bool {
        let Some(preset) = lesson.diagram.presets.iter().find(|p| p.id == preset_id) else {
            return false;
        };
        let mut params = lesson.diagram.params.clone();
        params.extend(preset.params.clone());
        let Some(scene) = self.scene.as_mut() else { return false };
        scene.set_params(params);
        self.clock.reset();
        self.sync_end();
        if let Some(at) = preset.at_secs {
            self.clock.seek_secs(at);
        }
        true
    }
}

impl LessonView {
    /// Sets the diagram to the numbers of predict question `index` (lesson parameters with
    /// the question's on top), so the learner can watch what the question asks about.
    pub fn apply_question(&mut self, lesson: &Lesson, index: usize) -> bool {
        let Some(crate::content::QuestionKind::Predict { params, .. }) = lesson.quiz.get(index).map(|q| &q.kind) else {
            return false;
        };
        let mut all = lesson.diagram.params.clone();
        all.extend(params.clone());
        let Some(scene) = self.scene.as_mut() else { return false };
        scene.set_params(all);
        self.clock.reset();
        self.sync_end();
        true
    }
}

/// The model's answer to a predict question: lesson parameters with the question's on top.
pub fn model_readout(lesson: &Lesson, params: &ParamMap, readout: &str) -> Option<f64> {
    let mut all = lesson.diagram.params.clone();
    all.extend(params.clone());
    scenes::registry::model_readout(&lesson.diagram.scene, &all, readout).map(|q| q.value)
}
