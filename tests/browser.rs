//! The search page in headless Chromium (Debian's chromium and
//! chromium-driver; `.ci/run` installs them, and axe-core from npm), at
//! 1280×900 and 390×844, on a sample of the Reuters 2006–2013 archive
//! (every 8th article, so that its dates span seven years) or, without
//! `../shared`, on the small fixture corpus.
//!
//! Screenshots go to `target/screenshots/`. Skips with a notice where
//! chromedriver is absent; the accessibility checks skip with a notice
//! where axe-core is (set `AXE_CORE_JS` or run `.ci/run`).

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::Value;

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for<T>(what: &str, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect(script)
}

async fn hit_count(c: &Client) -> usize {
    c.find_all(Locator::Css("#hits li.hit"))
        .await
        .map_or(0, |v| v.len())
}

async fn summary(c: &Client) -> String {
    match c.find(Locator::Id("summary")).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The article total in the summary line ("1–10 of 1,798 articles …").
fn total(summary: &str) -> Option<u64> {
    let words: Vec<&str> = summary.split_whitespace().collect();
    let at = words.iter().position(|w| w.starts_with("article"))?;
    words.get(at.checked_sub(1)?)?.replace(',', "").parse().ok()
}

/// A query parameter of a URL whose values need no decoding (dates).
fn param(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
}

fn key(k: Key) -> String {
    char::from(k).to_string()
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

/// Loads `path` and waits for the results.
async fn open(c: &Client, base: &str, path: &str) {
    c.goto(&format!("{base}{path}")).await.unwrap();
    wait_for(path, async || {
        let s = summary(c).await;
        (total(&s).is_some() || c.find(Locator::Css("#notice .error")).await.is_ok()).then_some(())
    })
    .await;
}

/// Nothing is wider than the window.
async fn assert_no_overflow(c: &Client, what: &str) {
    let v = js(
        c,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
    )
    .await;
    let (page, window) = (v[0].as_u64().unwrap(), v[1].as_u64().unwrap());
    assert!(
        page <= window,
        "{what}: the page is {page} px wide in a {window} px window"
    );
}

/// The articles the test indexes: a sample of the shared Reuters archive.
fn sample_corpus() -> tempfile::TempDir {
    match common::shared_dir("browser test on the Reuters sample") {
        Some(shared) => common::reuters_sample(&shared, 8),
        None => {
            eprintln!("browser test: ../shared is absent; using the small fixture corpus");
            common::fixture_corpus()
        }
    }
}

fn axe_source() -> Option<String> {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(path).ok()
}

/// axe-core's serious and critical violations on the page shown.
async fn axe_violations(c: &Client, axe: &str) -> Vec<String> {
    js(c, axe).await;
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document).then((r) => done({ passes: r.passes.length, violations:
               r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
                 .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`) }));",
            vec![],
        )
        .await
        .expect("axe runs");
    assert!(
        found["passes"].as_u64().unwrap() > 10,
        "axe checked the page: {found}"
    );
    found["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

async fn browser(driver: &str, width: u32, height: u32) -> (Client, Kill, tempfile::TempDir) {
    let port = free_port();
    let process = Kill(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::map::Map::new();
    let mut options = serde_json::json!({
        "binary": "/usr/bin/chromium",
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars",
            format!("--window-size={width},{height}"), format!("--user-data-dir={}", profile.path().display()),
        ]
    });
    if width < 500 {
        // Chromium's windows are at least 500 px wide: a phone is emulated.
        options["mobileEmulation"] = serde_json::json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "touch": false }
        });
    }
    caps.insert("goog:chromeOptions".into(), options);
    let webdriver = format!("http://127.0.0.1:{port}");
    let c: Client = wait_for("chromedriver", async || {
        ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
            .ok()
    })
    .await;
    // The size asked for is the viewport's: the window is made larger by
    // whatever the browser's own frame takes.
    if width < 500 {
        return (c, process, profile);
    }
    c.goto("about:blank").await.unwrap();
    c.set_window_size(width, height).await.unwrap();
    let frame = js(
        &c,
        "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];",
    )
    .await;
    let (dx, dy) = (
        frame[0].as_u64().unwrap() as u32,
        frame[1].as_u64().unwrap() as u32,
    );
    c.set_window_size(width + dx, height + dy).await.unwrap();
    let inner = js(&c, "return [window.innerWidth, window.innerHeight];").await;
    assert_eq!(
        inner,
        serde_json::json!([width, height]),
        "the viewport is {width}×{height}"
    );
    (c, process, profile)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_search_page_at_desktop_and_phone_sizes_in_headless_chromium() {
    let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(driver) = driver else {
        eprintln!(
            "SKIPPED browser test: chromedriver is not installed (apt install chromium chromium-driver)"
        );
        return;
    };
    let axe = axe_source();
    if axe.is_none() {
        eprintln!("SKIPPED accessibility checks: axe-core is not installed (npm install --prefix target/axe axe-core)");
    }
    let corpus = sample_corpus();
    let index = tempfile::tempdir().unwrap();
    let out = common::newsdex(&[
        "index",
        corpus.path().to_str().unwrap(),
        "--index",
        index.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let shared = corpus.path().join("2008").exists();
    let served = common::serve(index.path(), &[]);
    let _server = Kill(served.child);
    let base = format!("http://{}", served.addr);
    let (word, misspelt, right) = if shared {
        ("oil", "Obamma", "Obama")
    } else {
        ("missile", "misile", "missile")
    };
    let mut violations = Vec::new();

    let (c, _driver, _profile) = browser(driver, 1280, 900).await;

    // Every interval fits the window; long ones scroll inside the chart.
    for by in ["day", "week", "month", "year"] {
        open(&c, &base, &format!("/?q={word}&by={by}")).await;
        assert!(hit_count(&c).await > 0, "{by}: {}", summary(&c).await);
        assert_no_overflow(&c, &format!("desktop by={by}")).await;
        let tabbable = js(
            &c,
            "return document.querySelectorAll('#chart [tabindex], #chart button, #chart a').length;",
        )
        .await;
        assert_eq!(tabbable, 0, "the chart is one tab stop, not one per bar");
    }
    let labels = js(&c, "return document.querySelectorAll('#axis span').length;").await;
    assert!(labels.as_u64().unwrap() >= 2, "the time axis is labelled");

    // The box has focus on load; typing searches without Enter.
    c.goto(&format!("{base}/")).await.unwrap();
    wait_for("the newest articles", async || {
        (hit_count(&c).await > 0).then_some(())
    })
    .await;
    let focused = js(&c, "return document.activeElement.id;").await;
    assert_eq!(focused, "q");
    let overview = c
        .find(Locator::Css("#overview .overview"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(overview.contains("articles"), "{overview}");
    screenshot(&c, "search-empty-desktop").await;
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys(word)
        .await
        .unwrap();
    wait_for("results as you type", async || {
        let s = summary(&c).await;
        (s.contains(&format!("“{word}”")) && hit_count(&c).await > 0).then_some(())
    })
    .await;
    let all = total(&summary(&c).await).unwrap();
    screenshot(&c, "search-desktop").await;

    if let Some(axe) = &axe {
        violations.extend(
            axe_violations(&c, axe)
                .await
                .into_iter()
                .map(|v| format!("search page: {v}")),
        );
    }

    // Drag across the chart: since and until are set, and fewer match.
    let chart = c.find(Locator::Id("chart")).await.unwrap();
    let w = js(&c, "return document.getElementById('chart-box').clientWidth;")
        .await
        .as_f64()
        .unwrap();
    let drag = MouseActions::new("mouse".to_string())
        .then(PointerAction::MoveToElement {
            element: chart.clone(),
            duration: None,
            x: -w / 4.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveToElement {
            element: chart.clone(),
            duration: Some(Duration::from_millis(200)),
            x: w / 8.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(drag).await.unwrap();
    let (since, until) = wait_for("a dragged range", async || {
        let url = c.current_url().await.ok()?.to_string();
        Some((param(&url, "since")?, param(&url, "until")?))
    })
    .await;
    assert!(since < until, "{since} .. {until}");
    wait_for("the range narrows", async || {
        (total(&summary(&c).await)? < all).then_some(())
    })
    .await;
    let shown = c
        .find(Locator::Id("since"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        shown.as_deref(),
        Some(since.as_str()),
        "the From field shows the range"
    );
    screenshot(&c, "dates-dragged-desktop").await;

    // The keyboard: focus the chart, Home, Shift+Right twice, Enter.
    open(&c, &base, &format!("/?q={word}")).await;
    js(&c, "document.getElementById('chart').focus();").await;
    let chart = c.find(Locator::Id("chart")).await.unwrap();
    chart.send_keys(&key(Key::Home)).await.unwrap();
    let mut keys = String::new();
    keys.push(char::from(Key::Shift));
    keys.push(char::from(Key::Right));
    keys.push(char::from(Key::Right));
    chart.send_keys(&keys).await.unwrap();
    let status = c
        .find(Locator::Id("chart-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("selected"), "{status}");
    chart.send_keys(&key(Key::Enter)).await.unwrap();
    let (since, until) = wait_for("a range chosen by keyboard", async || {
        let url = c.current_url().await.ok()?.to_string();
        Some((param(&url, "since")?, param(&url, "until")?))
    })
    .await;
    assert!(since < until, "three buckets: {since} .. {until}");

    // Open an article from a result: its own URL, the words marked, more like this.
    open(&c, &base, &format!("/?q={word}")).await;
    let first = c.find(Locator::Css("#hits a.open")).await.unwrap();
    first.click().await.unwrap();
    wait_for("the article page", async || {
        let url = c.current_url().await.ok()?;
        let more = c.find_all(Locator::Css("#reader .more li")).await.ok()?;
        (url.path().starts_with("/articles/") && !more.is_empty()).then_some(())
    })
    .await;
    let marks = c.find_all(Locator::Css("#reader .body mark")).await.unwrap();
    assert!(!marks.is_empty(), "the query's words are marked in the article");
    assert_no_overflow(&c, "article page").await;
    screenshot(&c, "article-desktop").await;
    if let Some(axe) = &axe {
        violations.extend(
            axe_violations(&c, axe)
                .await
                .into_iter()
                .map(|v| format!("article page: {v}")),
        );
    }
    let article_url = c.current_url().await.unwrap().to_string();

    // A misspelt name: the page offers, and searches, the right spelling.
    open(&c, &base, &format!("/?q={misspelt}")).await;
    let spell = c
        .find(Locator::Css("#notice .spell"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(spell.contains(right), "{spell}");
    assert!(hit_count(&c).await > 0);

    // Nothing at all: a page that says what to try.
    open(&c, &base, "/?q=qqxzzv+wwkjjh").await;
    let empty = c
        .find(Locator::Css("#notice .empty"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(empty.contains("No article matches"), "{empty}");
    screenshot(&c, "no-results-desktop").await;
    if let Some(axe) = &axe {
        violations.extend(
            axe_violations(&c, axe)
                .await
                .into_iter()
                .map(|v| format!("no-results page: {v}")),
        );
    }

    // Export links, and a search saved from the page lands in the sidebar.
    open(&c, &base, &format!("/?q={word}")).await;
    let csv = c
        .find(Locator::Css("#tools a[href*='format=csv']"))
        .await
        .unwrap();
    assert!(csv
        .attr("href")
        .await
        .unwrap()
        .unwrap()
        .starts_with("/api/export?"));
    js(&c, "window.prompt = () => 'from-the-page';").await;
    c.find(Locator::Css("#tools button.link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for("the saved search listed", async || {
        let saved = c.find(Locator::Css("#saved a.saved")).await.ok()?;
        (saved.text().await.ok()? == "from-the-page").then_some(())
    })
    .await;

    // A facet narrows, its exclusion removes, and keys walk the hits.
    open(&c, &base, &format!("/?q={word}")).await;
    let facet = c.find(Locator::Css("#facets .facet")).await.unwrap();
    let kind = facet.attr("data-kind").await.unwrap().unwrap();
    facet.click().await.unwrap();
    let narrowed = wait_for("facet filter", async || {
        let url = c.current_url().await.ok()?;
        let n = total(&summary(&c).await)?;
        (url.as_str().contains(&format!("{kind}=")) && n < all).then_some(n)
    })
    .await;
    open(&c, &base, &format!("/?q={word}")).await;
    c.find(Locator::Css("#facets .exclude"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let excluded = wait_for("facet exclusion", async || {
        let url = c.current_url().await.ok()?;
        let n = total(&summary(&c).await)?;
        (url.as_str().contains(&format!("not_{kind}=")) && n < all).then_some(n)
    })
    .await;
    assert_eq!(
        narrowed + excluded,
        all,
        "with and without the value make the whole"
    );
    js(&c, "document.getElementById('q').blur(); document.body.focus();").await;
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(&key(Key::Down))
        .await
        .unwrap();
    let on = js(&c, "return document.activeElement.className;").await;
    assert_eq!(on, "open", "↓ moves to the first hit");

    // A query with few full matches says what was relaxed, and links to
    // the full matches alone.
    let mut relaxing = None;
    for q in [
        "livestock cattle",
        "cocoa oil",
        "bahia oil",
        "crude cocoa",
        "cocoa prices",
    ] {
        let r = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch('/api/search?q=' + encodeURIComponent(arguments[0])).then((r) => r.json()).then(done);",
                vec![Value::from(q)],
            )
            .await
            .expect("the API answers");
        if let Some(strict) = r["relaxed"]["strict_total"].as_u64() {
            relaxing = Some((q, strict, r["total"].as_u64().unwrap()));
            break;
        }
    }
    let (q, strict, relaxed_total) =
        relaxing.expect("one of the queries has few full matches and is relaxed");
    open(&c, &base, &format!("/?q={}", q.replace(' ', "+"))).await;
    assert_eq!(total(&summary(&c).await), Some(relaxed_total));
    let note = c
        .find(Locator::Css("#notice .relaxed"))
        .await
        .expect("the relaxed note")
        .text()
        .await
        .unwrap();
    assert!(note.contains(&format!("{strict} ")), "{note}");
    screenshot(&c, "search-relaxed-desktop").await;
    c.find(Locator::Css("#notice .relaxed a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for("only the full matches", async || {
        (total(&summary(&c).await) == Some(strict)).then_some(())
    })
    .await;
    c.close().await.unwrap();

    // The phone: results first, nothing wider than the screen.
    let (c, _driver2, _profile2) = browser(driver, 390, 844).await;
    for by in ["day", "week", "month", "year"] {
        open(&c, &base, &format!("/?q={word}&by={by}")).await;
        let inner = js(&c, "return [window.innerWidth, window.innerHeight];").await;
        assert_eq!(inner, serde_json::json!([390, 844]), "the phone's viewport");
        assert_no_overflow(&c, &format!("phone by={by}")).await;
    }
    open(&c, &base, &format!("/?q={word}")).await;
    let top = js(
        &c,
        "return [document.querySelector('#hits li').getBoundingClientRect().top, window.innerHeight];",
    )
    .await;
    assert!(
        top[0].as_f64().unwrap() < top[1].as_f64().unwrap(),
        "the first result starts at {} px on an {} px screen",
        top[0],
        top[1]
    );
    let hidden = js(
        &c,
        "return getComputedStyle(document.getElementById('facets')).display;",
    )
    .await;
    assert_eq!(hidden, "none", "filters wait behind their button");
    screenshot(&c, "search-phone").await;
    c.find(Locator::Id("filters-toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = js(
        &c,
        "return getComputedStyle(document.getElementById('facets')).display;",
    )
    .await;
    assert_eq!(shown, "block");
    screenshot(&c, "filters-phone").await;
    c.goto(&article_url).await.unwrap();
    wait_for("the article page", async || {
        c.find(Locator::Css("#reader h1")).await.ok().map(|_| ())
    })
    .await;
    assert_no_overflow(&c, "phone article").await;
    screenshot(&c, "article-phone").await;
    open(&c, &base, "/?q=qqxzzv+wwkjjh").await;
    assert_no_overflow(&c, "phone no results").await;
    screenshot(&c, "no-results-phone").await;
    c.close().await.unwrap();

    assert!(
        violations.is_empty(),
        "axe-core found:\n{}",
        violations.join("\n")
    );
}
