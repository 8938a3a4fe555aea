//! `COPY` and `ADD`: the files chosen, their owners and modes, and the checksum the cache
//! key covers (paths, modes and contents, never modification times).

use std::borrow::Cow;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::super::{
    BuildError, Change, Content, Context, Instruction, Kind, MergedKind, Meta, Stage, glob_match, join_path,
    normalize_path, union,
};
use super::{FileTree, Plan, Source, StepCx, content_digest, key_of, lookup_id, outside_context, select};

/// The tree sources are copied from.
struct SourceTree<'a> {
    files: Cow<'a, FileTree>,
    /// The build context (not an earlier stage or an image).
    from_context: bool,
}

/// The files a step copies, where they came from and whether the destination is a directory.
struct Gathered {
    files: Vec<Source>,
    as_dir: bool,
    from_context: bool,
}

/// Fills `plan` for a `COPY` or `ADD` instruction (other instructions are left alone).
pub(super) fn plan(cx: &mut StepCx<'_>, st: &Stage, ins: &Instruction, plan: &mut Plan) -> Result<(), BuildError> {
    let Kind::Copy {
        add,
        flags,
        sources,
        dest,
    } = &ins.kind
    else {
        return Ok(());
    };
    let line = ins.line;
    plan.hit_reason = "cache hit: same files (names, modes and contents) on the same parent";
    let dest = st.expand(dest, line)?;
    let from = flags.from.as_ref().map(|f| st.expand(f, line)).transpose()?;
    let tree = source_tree(cx, from.as_deref());
    let mut g = gather(cx, st, *add, sources, &tree, line)?;
    g.as_dir |= sources.len() > 1 || dest.ends_with('/') || dest == ".";
    // Ownership and mode flags.
    let merged = st.merged();
    let (uid, gid) = match &flags.chown {
        Some(c) => {
            let c = st.expand(c, line)?;
            let (u, g) = c.split_once(':').unwrap_or((&c, &c));
            let uid = lookup_id(&merged, "etc/passwd", u).unwrap_or(1000);
            let gid = lookup_id(&merged, "etc/group", g).unwrap_or(uid);
            (Some(uid), Some(gid))
        }
        None => (None, None),
    };
    let chmod = flags.chmod.as_ref().and_then(|m| u32::from_str_radix(m, 8).ok());
    let dest_abs = join_path(&st.workdir(), &dest);
    let as_dir =
        g.as_dir || matches!(merged.get(&dest_abs).map(|e| &e.kind), Some(MergedKind::Dir)) || dest_abs.is_empty();
    let from_context = g.from_context;
    let mut changes = BTreeMap::new();
    for f in g.files {
        let target = if as_dir {
            join_path(&format!("/{dest_abs}"), &f.rel)
        } else {
            dest_abs.clone()
        };
        let meta = Meta {
            mode: chmod.unwrap_or(f.meta.mode),
            uid: uid.unwrap_or(if from_context { 0 } else { f.meta.uid }),
            gid: gid.unwrap_or(if from_context { 0 } else { f.meta.gid }),
        };
        let digest = if from_context {
            cx.file_digests
                .entry(f.origin.clone())
                .or_insert_with(|| content_digest(&f.content))
                .clone()
        } else {
            content_digest(&f.content)
        };
        plan.inputs
            .insert(format!("file:{}", f.rel), format!("{:o} {}", meta.mode, digest));
        changes.insert(
            target,
            Change::File {
                meta,
                content: f.content,
            },
        );
    }
    let key = key_of(&st.key, &plan.text, &plan.inputs);
    if !cx.cache.entries.contains_key(&key) {
        plan.produce = Some(changes);
    }
    Ok(())
}

/// The tree the sources come from: the context, an earlier stage or an image; and
/// whether it is the context.
fn source_tree<'a>(cx: &mut StepCx<'a>, from: Option<&str>) -> SourceTree<'a> {
    let Some(f) = from else {
        return SourceTree {
            files: Cow::Borrowed(cx.context_tree),
            from_context: true,
        };
    };
    let img = cx
        .done
        .iter()
        .enumerate()
        .find(|(i, d)| {
            d.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(f)) || f.parse::<usize>().ok() == Some(*i)
        })
        .map(|(_, d)| d.image.clone());
    let img = img.unwrap_or_else(|| (*cx.bases.resolve(f).image).clone());
    let tree = union::merge(&img.layers)
        .into_iter()
        .filter_map(|(p, e)| match e.kind {
            MergedKind::File(c) => Some((p, (c, e.meta))),
            MergedKind::Dir => None,
        })
        .collect();
    SourceTree {
        files: Cow::Owned(tree),
        from_context: false,
    }
}

/// The files each source names, or the error Docker gives when one is missing.
fn gather(
    cx: &mut StepCx<'_>,
    st: &Stage,
    add: bool,
    sources: &[String],
    tree: &SourceTree<'_>,
    line: usize,
) -> Result<Gathered, BuildError> {
    let (tree, from_context) = (tree.files.as_ref(), tree.from_context);
    let kw = if add { "ADD" } else { "COPY" };
    let fail = |message: String| BuildError::Step { line, message };
    let mut g = Gathered {
        files: Vec::new(),
        as_dir: false,
        from_context,
    };
    for s in sources {
        let s = st.expand(s, line)?;
        if add && (s.starts_with("http://") || s.starts_with("https://")) {
            let name = s
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or("download")
                .to_string();
            cx.notes.push(format!(
                "ADD {s}: the download is simulated as a 1 MiB file (the model has no network)"
            ));
            g.files.push(Source {
                origin: s.clone(),
                rel: name,
                content: Content::filler(crate::sim::image::layer::seed_of(&s), 1024 * 1024),
                meta: Meta {
                    mode: 0o600,
                    uid: 0,
                    gid: 0,
                },
            });
            continue;
        }
        if add && [".tar", ".tar.gz", ".tgz", ".tar.xz"].iter().any(|e| s.ends_with(e)) {
            cx.notes.push(format!(
                "ADD {s}: Docker would unpack this archive; the model copies it as a file"
            ));
        }
        if from_context && let Some(msg) = outside_context(kw, &s) {
            return Err(fail(msg));
        }
        let (found, dir_like) = select(tree, &s);
        if found.is_empty() {
            return Err(fail(not_found(cx.context, kw, &s, from_context)));
        }
        g.as_dir |= dir_like;
        g.files.extend(found);
    }
    Ok(g)
}

/// Why a source matched nothing, with the `.dockerignore` line that excluded it if one did.
fn not_found(context: &Context, kw: &str, s: &str, from_context: bool) -> String {
    let mut msg = format!(
        "{kw} failed: `{s}` not found in {}",
        if from_context {
            "the build context"
        } else {
            "the source stage"
        }
    );
    if from_context && context.get(s).is_some() {
        let rules = context.ignore_rules();
        if let Some(p) = rules
            .patterns
            .iter()
            .rev()
            .find(|p| !p.exception && glob_match(&p.segments.join("/"), &normalize_path(s)).unwrap_or(false))
        {
            let _ = write!(msg, "; it is excluded by the .dockerignore line `{}`", p.text);
        } else {
            msg.push_str("; it is excluded by .dockerignore");
        }
    } else if from_context && !context.files().is_empty() {
        msg.push_str("; paths are relative to the context directory");
    }
    msg
}
