//! The search page in headless Chromium (Debian's chromium and
//! chromium-driver; `.ci/run` installs them): search, see results, click a
//! facet and see them narrow, click a histogram bar. Screenshots go to
//! `target/browser-*.png`. Skips with a notice where chromedriver is absent.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

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

fn start_server(index: &Path) -> (Kill, String) {
    let served = common::serve(index, &[]);
    (Kill(served.child), format!("http://{}", served.addr))
}

async fn wait_for<T>(what: &str, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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

/// The article total in the summary line ("1–3 of 5 articles …").
fn total(summary: &str) -> Option<u64> {
    let words: Vec<&str> = summary.split_whitespace().collect();
    let at = words.iter().position(|w| w.starts_with("article"))?;
    words.get(at.checked_sub(1)?)?.parse().ok()
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("browser-{name}.png")), png).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn search_facet_and_histogram_in_headless_chromium() {
    let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(driver) = driver else {
        eprintln!(
            "SKIPPED browser test: chromedriver is not installed (apt install chromium chromium-driver)"
        );
        return;
    };
    let corpus = common::fixture_corpus();
    let index = tempfile::tempdir().unwrap();
    let out = common::newsdex(&[
        "index",
        corpus.path().to_str().unwrap(),
        "--index",
        index.path().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let (_server, base) = start_server(index.path());

    let port = free_port();
    let _driver = Kill(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::map::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", format!("--user-data-dir={}", profile.path().display()),
            ]
        }),
    );
    let webdriver = format!("http://127.0.0.1:{port}");
    let c: Client = wait_for("chromedriver", async || {
        ClientBuilder::native()
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
            .ok()
    })
    .await;

    // Search.
    c.goto(&format!("{base}/")).await.unwrap();
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.send_keys("crude OR oil").await.unwrap();
    c.find(Locator::Css("#search button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let all = wait_for("results", async || {
        let n = total(&summary(&c).await)?;
        (hit_count(&c).await > 0).then_some(n)
    })
    .await;
    assert!(all >= 4, "{}", summary(&c).await);
    assert!(c.current_url().await.unwrap().as_str().contains("q=crude+OR+oil"));
    let marks = c.find_all(Locator::Css("#hits mark")).await.unwrap();
    assert!(!marks.is_empty(), "snippets are highlighted");
    screenshot(&c, "results").await;

    // Click a facet: the results narrow and the URL holds the filter.
    let facet = c.find(Locator::Css("aside .facet")).await.unwrap();
    let kind = facet.attr("data-kind").await.unwrap().unwrap();
    facet.click().await.unwrap();
    let narrowed = wait_for("facet filter", async || {
        let url = c.current_url().await.ok()?;
        let n = total(&summary(&c).await)?;
        (url.as_str().contains(&format!("{kind}=")) && n < all).then_some(n)
    })
    .await;
    assert!(narrowed >= 1);
    let on = c.find_all(Locator::Css("aside .facet.on")).await.unwrap();
    assert_eq!(on.len(), 1, "the chosen facet is marked");
    screenshot(&c, "facet").await;

    // Click it again: the filter goes.
    on[0].click().await.unwrap();
    wait_for("filter removed", async || {
        (total(&summary(&c).await)? == all).then_some(())
    })
    .await;

    // Click a histogram bar: narrowed to that period.
    let bars = c.find_all(Locator::Css("#histogram .bar")).await.unwrap();
    assert!(bars.len() >= 2, "a histogram with {} bars", bars.len());
    let label = bars[0].attr("data-label").await.unwrap().unwrap();
    let period = label.split(':').next().unwrap().to_string();
    bars[0].click().await.unwrap();
    let in_period = wait_for("histogram narrowing", async || {
        let url = c.current_url().await.ok()?;
        let n = total(&summary(&c).await)?;
        (url.as_str().contains(&format!("since={period}")) && n < all).then_some(n)
    })
    .await;
    assert!(in_period >= 1);
    let dates = c.find_all(Locator::Css("#hits .meta")).await.unwrap();
    for d in dates {
        let text = d.text().await.unwrap();
        assert!(text.starts_with(&period), "{text} outside {period}");
    }
    screenshot(&c, "histogram").await;

    // The state is in the URL: loading it afresh shows the same page.
    let url = c.current_url().await.unwrap();
    c.goto(url.as_str()).await.unwrap();
    wait_for("reload", async || {
        (total(&summary(&c).await)? == in_period).then_some(())
    })
    .await;

    // A phone-sized window still works.
    c.set_window_size(390, 844).await.unwrap();
    screenshot(&c, "phone").await;
    c.close().await.unwrap();
}
