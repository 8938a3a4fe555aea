//! A built-in sample build context: a small Python web app, so lessons and the command
//! line can show a build without any files on disk.

use super::context::Context;

/// The sample's Dockerfile: dependencies first, so code edits keep the install cached.
pub const DOCKERFILE: &str = "# Sample Python web app for Hypervisual's image lessons.
FROM python:3.12-slim-bookworm
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8000
CMD [\"python\", \"app.py\"]
";

/// The same app with everything copied before the install: any edit reruns the install.
pub const DOCKERFILE_COPY_ALL_FIRST: &str = "# The same app, written the slow way.
FROM python:3.12-slim-bookworm
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
EXPOSE 8000
CMD [\"python\", \"app.py\"]
";

/// The sample's `requirements.txt`.
pub const REQUIREMENTS: &str = "flask==3.0.3\ngunicorn==22.0.0\nrequests==2.32.3\n";

const APP_PY: &str = "from flask import Flask, send_from_directory

app = Flask(__name__, static_folder=\"static\")


@app.get(\"/\")
def index():
    return send_from_directory(\"static\", \"index.html\")


if __name__ == \"__main__\":
    app.run(host=\"0.0.0.0\", port=8000)
";

const INDEX_HTML: &str = "<!doctype html>\n<title>Hello</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n<h1>Hello from a container</h1>\n";

const STYLE_CSS: &str = "body { font-family: sans-serif; margin: 2rem; }\n";

const DOCKERIGNORE: &str = "# Keep logs and version control out of the image (and out of the cache key).
*.log
.git
__pycache__
";

/// The sample context: Dockerfile, .dockerignore, app.py, requirements.txt, static
/// files, a log file and a `.git` directory (the last two ignored).
pub fn context() -> Context {
    let mut c = Context::new();
    c.insert("Dockerfile", DOCKERFILE);
    c.insert(".dockerignore", DOCKERIGNORE);
    c.insert("app.py", APP_PY);
    c.insert("requirements.txt", REQUIREMENTS);
    c.insert("static/index.html", INDEX_HTML);
    c.insert("static/style.css", STYLE_CSS);
    c.insert("debug.log", "2026-01-01 started\n");
    c.insert(".git/HEAD", "ref: refs/heads/main\n");
    c.insert(".git/config", "[core]\n\tbare = false\n");
    c
}

/// Edits a learner can make to the sample before rebuilding.
pub const EDITS: &[&str] = &["none", "app_code", "requirements", "touch_all", "dockerignored_file"];

/// Applies one of [`EDITS`] to a context; unknown names change nothing.
pub fn apply_edit(c: &mut Context, edit: &str) {
    match edit {
        "app_code" => {
            let mut app = c.get("app.py").map(|f| f.bytes.to_vec()).unwrap_or_default();
            app.extend_from_slice(b"# greet in French too\n");
            c.insert("app.py", app);
        }
        "requirements" => c.insert("requirements.txt", format!("{REQUIREMENTS}itsdangerous==2.2.0\n")),
        "touch_all" => c.touch_all(1_767_225_600),
        "dockerignored_file" => c.insert("debug.log", "2026-01-01 started\n2026-01-02 request served\n"),
        _ => {}
    }
}
