//! Tests of the Dockerfile parser.

use super::*;

fn kinds(src: &str) -> Vec<Kind> {
    parse(src)
        .map(|d| d.instructions.into_iter().map(|i| i.kind).collect())
        .unwrap_or_default()
}

#[test]
fn parses_the_common_instructions() {
    let src = "# comment\nfrom --platform=linux/amd64 python:3.12-slim AS base\nWORKDIR /app\nENV A=1 B=\"two words\"\nENV LEGACY hello world\nARG V=3\nCOPY --chown=1000:1000 requirements.txt ./\nRUN pip install \\\n    # a comment inside\n    -r requirements.txt\nEXPOSE 8000 53/udp\nCMD [\"python\", \"app.py\"]\nENTRYPOINT /bin/app --x\nLABEL org.opencontainers.image.title=\"demo\"\nUSER app:app\nVOLUME [\"/data\", \"/logs\"]\n";
    let d = parse(src);
    assert!(d.is_ok(), "{d:?}");
    let d = d.unwrap_or(Dockerfile { instructions: vec![] });
    let k: Vec<&Kind> = d.instructions.iter().map(|i| &i.kind).collect();
    assert_eq!(
        k[0],
        &Kind::From {
            image: "python:3.12-slim".into(),
            alias: Some("base".into()),
            platform: Some("linux/amd64".into())
        }
    );
    assert_eq!(
        k[2],
        &Kind::Env(vec![("A".into(), "1".into()), ("B".into(), "two words".into())])
    );
    assert_eq!(k[3], &Kind::Env(vec![("LEGACY".into(), "hello world".into())]));
    assert_eq!(
        k[4],
        &Kind::Arg {
            name: "V".into(),
            default: Some("3".into())
        }
    );
    assert!(matches!(
        k[5],
        Kind::Copy {
            flags: CopyFlags { chown: Some(_), .. },
            ..
        }
    ));
    // The RUN spans lines 8-10, the comment inside is dropped, and it keeps line 8.
    let run = &d.instructions[6];
    assert_eq!((run.line, run.end_line), (8, 10));
    assert_eq!(run.text, "RUN pip install     -r requirements.txt");
    assert!(run.original.contains("# a comment inside"));
    assert_eq!(
        k[8],
        &Kind::Cmd(CommandForm::Exec(vec!["python".into(), "app.py".into()]))
    );
    assert_eq!(k[9], &Kind::Entrypoint(CommandForm::Shell("/bin/app --x".into())));
    assert_eq!(k[11], &Kind::User("app:app".into()));
    assert_eq!(k[12], &Kind::Volume(vec!["/data".into(), "/logs".into()]));
    assert_eq!(d.instructions[1].text, "WORKDIR /app");
}

#[test]
fn multi_stage_with_copy_from() {
    let k = kinds(
        "FROM golang:1.23 AS build\nRUN go build -o /out/app\nFROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\n",
    );
    assert_eq!(k.len(), 4);
    assert!(
        matches!(&k[3], Kind::Copy { flags: CopyFlags { from: Some(f), .. }, sources, dest, .. } if f == "build" && sources == &vec!["/out/app".to_string()] && dest == "/app")
    );
}

#[test]
fn unknown_instruction_suggests_the_nearest() {
    let e = parse("FROM alpine\n\nRUNN echo hi\n").err();
    assert_eq!(
        e.map(|e| e.to_string()),
        Some("line 3, column 1: unknown instruction `RUNN`; did you mean RUN?".to_string())
    );
}

#[test]
fn errors_point_at_the_offending_word() {
    let e = parse("FROM alpine\nEXPOSE 80 http\n").err();
    assert_eq!(e.as_ref().map(|e| (e.line, e.column)), Some((2, 11)));
    let e = parse("FROM alpine\nCOPY --fro=x a b\n").err();
    assert!(
        e.as_ref().is_some_and(|e| e.message.contains("did you mean --from?")),
        "{e:?}"
    );
    assert_eq!(e.map(|e| (e.line, e.column)), Some((2, 6)));
    let e = parse("FROM alpine\nCOPY onlyone\n").err();
    assert!(e.is_some_and(|e| e.message.contains("source and a destination")));
    let e = parse("RUN echo\n").err();
    assert!(e.is_some_and(|e| e.message.contains("before the first FROM")));
    let e = parse("# nothing\n").err();
    assert!(e.is_some_and(|e| e.message.contains("no FROM")));
    let e = parse("FROM alpine\nENV A=1 B\n").err();
    assert_eq!(e.map(|e| (e.line, e.column)), Some((2, 9)));
    let e = parse("FROM alpine\nRUN <<EOF\necho\nEOF\n").err();
    assert!(e.is_some_and(|e| e.message.contains("heredocs")));
    let e = parse("FROM a AS x\nFROM b AS x\n").err();
    assert!(e.is_some_and(|e| e.line == 2));
}

#[test]
fn error_columns_survive_continuations() {
    let e = parse("FROM alpine\nEXPOSE 80 \\\n   nope\n").err();
    assert_eq!(e.map(|e| (e.line, e.column)), Some((3, 4)));
}

#[test]
fn keywords_are_case_insensitive_and_text_is_normalised() {
    let d = parse("from alpine\nrun echo hi\n").ok();
    let texts: Vec<String> = d
        .map(|d| d.instructions.into_iter().map(|i| i.text).collect())
        .unwrap_or_default();
    assert_eq!(texts, vec!["FROM alpine", "RUN echo hi"]);
}

#[test]
fn broken_json_falls_back_to_shell_form() {
    let k = kinds("FROM alpine\nCMD [\"python\", app.py]\n");
    assert_eq!(k[1], Kind::Cmd(CommandForm::Shell("[\"python\", app.py]".into())));
}

#[test]
fn expands_variables() {
    let look = |n: &str| match n {
        "PY" => Some("3.12".to_string()),
        "EMPTY" => Some(String::new()),
        _ => None,
    };
    assert_eq!(expand("python:${PY}-slim", &look).ok(), Some("python:3.12-slim".into()));
    assert_eq!(expand("$PY/x", &look).ok(), Some("3.12/x".into()));
    assert_eq!(expand("${NOPE:-dflt}", &look).ok(), Some("dflt".into()));
    assert_eq!(expand("${EMPTY:-dflt}", &look).ok(), Some("dflt".into()));
    assert_eq!(expand("${PY:+set}", &look).ok(), Some("set".into()));
    assert_eq!(expand("\\$PY", &look).ok(), Some("$PY".into()));
    assert!(expand("${PY", &look).is_err());
}

#[test]
fn instructions_past_the_limit_are_refused_on_their_line() {
    let body = "ENV A=1\n".repeat(MAX_INSTRUCTIONS - 1);
    assert!(parse(&format!("FROM scratch\n{body}")).is_ok());
    let e = parse(&format!("FROM scratch\n{body}ENV B=2\n")).err();
    assert_eq!(e.map(|e| (e.line, e.column)), Some((MAX_INSTRUCTIONS + 1, 1)));
}

#[test]
fn expansion_stops_at_the_exec_string_limit() {
    let big = "x".repeat(MAX_EXPANDED_BYTES / 2);
    let look = |n: &str| (n == "A").then(|| big.clone());
    assert_eq!(expand("${A}${A}", &look).map(|s| s.len()), Ok(MAX_EXPANDED_BYTES));
    let e = expand("${A}${A}y", &look).err().unwrap_or_default();
    assert!(e.contains("MAX_ARG_STRLEN"), "{e}");
    // Thousands of references stop early instead of building gigabytes.
    let many = "$A".repeat(100_000);
    assert!(expand(&many, &look).is_err());
}

mod props {
    use proptest::prelude::*;

    use super::super::*;

    const FRAGMENTS: &[&str] = &[
        "FROM ",
        "from ",
        "RUN ",
        "COPY ",
        "ADD ",
        "ENV ",
        "ARG ",
        "EXPOSE ",
        "CMD ",
        "LABEL ",
        "WORKDIR ",
        "USER ",
        "VOLUME ",
        "ENTRYPOINT ",
        "RUNN ",
        "--from=",
        "--chown=",
        "--",
        "AS ",
        "as",
        "=",
        "\"",
        "'",
        "[",
        "]",
        "\\",
        "\n",
        "\\\n",
        "# c\n",
        " ",
        "$",
        "${",
        "}",
        ":-",
        "<<EOF",
        "é",
        "'é'",
        "\"é x\"",
        "\u{0}",
        "\r\n",
        "80/tcp",
        "a",
        "/app",
        ".",
        "*",
        "[\"x\"]",
        "\t",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_on_arbitrary_text(s in ".{0,300}") {
            let _ = parse(&s);
            let _ = expand(&s, &|_| Some("v".into()));
        }

        #[test]
        fn never_panics_on_dockerfile_like_text(parts in proptest::collection::vec(0..FRAGMENTS.len(), 0..60)) {
            let s: String = parts.iter().map(|&i| FRAGMENTS[i]).collect();
            if let Err(e) = parse(&s) {
                // Positions always point into the text.
                prop_assert!(e.line >= 1 && e.column >= 1);
                prop_assert!(e.line <= s.split('\n').count().max(1));
            }
        }
    }
}
