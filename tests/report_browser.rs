//! The reports in a real browser (Debian's chromium, headless; skipped where it is not
//! installed, and .ci/run installs it): every HTML page renders with its heading and charts, and
//! its layout holds at a desktop width (1280 px) and a phone's (390 px): the page never scrolls
//! sideways, nothing is wider than its container except inside a scroll box, nothing scrolls at
//! all at 1280 px, and the smallest chart text is at least 9 CSS px as displayed.
//!
//! Layout is measured by a script added to a copy of each page, run inside an iframe of the
//! width under test (a headless window is never narrower than 500 px); the outer page copies the
//! result into its own DOM, which `--dump-dom` prints.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Sandbox, sample, text};
use crate::reports::{AS_OF, html_files};

/// The headless browser of the CI image, when present.
fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

fn browser(bin: &Path, profile: &Path, extra: &[&str], page: &Path) -> std::process::Output {
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium")
}

/// The browser, and the sample's reports as `run` writes them (a sandbox and its HTML pages);
/// none, saying so, where chromium is not installed.
fn rendered_sample() -> Option<(PathBuf, Sandbox, Vec<PathBuf>)> {
    let Some(bin) = chromium() else {
        eprintln!("skipped: chromium is not installed (.ci/run installs Debian's chromium)");
        return None;
    };
    let sb = sample();
    sb.ok(&["run", "--as-of", AS_OF]);
    let pages = html_files(&sb.path("out"));
    assert!(pages.len() >= 5, "{pages:?}");
    Some((bin, sb, pages))
}

#[test]
fn every_report_renders_in_a_real_browser() {
    let Some((bin, sb, pages)) = rendered_sample() else {
        return;
    };
    for (i, page) in pages.iter().enumerate() {
        let html = std::fs::read_to_string(page).unwrap();
        let profile = sb.path(&format!("profile-{i}"));
        let dom = browser(&bin, &profile, &["--dump-dom"], page);
        let dom = text(&dom.stdout);
        assert!(
            dom.contains("<h1>"),
            "{}: no heading in the DOM",
            page.display()
        );
        assert_eq!(
            dom.matches("<svg").count(),
            html.matches("<svg").count(),
            "{}: every chart's <svg> is in the DOM",
            page.display()
        );
        let shot = sb.path(&format!("shot-{i}.png"));
        let arg = format!("--screenshot={}", shot.display());
        browser(&bin, &profile, &[&arg, "--window-size=1280,1600"], page);
        let png = std::fs::read(&shot).unwrap_or_default();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().expect("a PNG screenshot");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let px = &buf[..info.buffer_size()];
        let first = &px[..3];
        assert!(
            px.chunks(info.color_type.samples())
                .any(|p| &p[..3] != first),
            "{}: the screenshot is blank",
            page.display()
        );
    }
}

/// Measures the page it is added to (see the module text) and writes the result, as JSON, into
/// `<pre id="layout-check">`.
const CHECK: &str = r#"<script>
(function () {
  var res = { width: window.innerWidth, minFont: null, minText: null, bad: [], scrolls: 0 };
  var min = 1e9;
  document.querySelectorAll('svg text').forEach(function (t) {
    var r = t.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return; // in a closed <details>
    var svg = t.ownerSVGElement, vb = svg.viewBox && svg.viewBox.baseVal;
    var scale = vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1;
    var px = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize) * scale;
    if (px < min) { min = px; res.minText = t.textContent.trim().slice(0, 30); }
  });
  if (min < 1e9) res.minFont = min;
  var boxes = '.table-wrap, .chart-wrap';
  document.querySelectorAll('table, svg').forEach(function (e) {
    if (e.parentElement.closest('svg')) return; // part of a chart, measured with it
    var p = e.parentElement, er = e.getBoundingClientRect(), pr = p.getBoundingClientRect();
    if (er.width === 0) return;
    if (er.right > pr.right + 0.5 && !p.matches(boxes)) {
      res.bad.push(e.tagName + ' ' + Math.round(er.width) + ' px in ' + Math.round(pr.width) + ': ' + (e.textContent || '').trim().slice(0, 40));
    }
  });
  document.querySelectorAll(boxes).forEach(function (b) {
    if (b.scrollWidth > b.clientWidth + 1) res.scrolls += 1;
  });
  var page = document.documentElement.scrollWidth;
  if (page > window.innerWidth + 1) res.bad.push('the page is ' + page + ' px wide');
  var out = document.createElement('pre');
  out.id = 'layout-check';
  out.textContent = JSON.stringify(res);
  document.body.appendChild(out);
})();
</script>"#;

/// The layout of `page` at `width` CSS px, as measured by `CHECK`.
fn layout(bin: &Path, dir: &Path, page: &Path, width: u32) -> serde_json::Value {
    let html = std::fs::read_to_string(page).unwrap();
    // Beside the page, so its relative links still resolve.
    let inner = page.with_extension(format!("check-{width}.html"));
    std::fs::write(&inner, html.replace("</body>", &format!("{CHECK}</body>"))).unwrap();
    let outer = dir.join(format!("outer-{width}.html"));
    std::fs::write(
        &outer,
        format!(
            r#"<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="file://{}" style="width:{width}px;height:900px;border:0"></iframe>
<script>window.addEventListener('load', function () {{
  var p = document.createElement('pre'); p.id = 'out';
  p.textContent = document.getElementById('f').contentDocument.getElementById('layout-check').textContent;
  document.body.appendChild(p);
}});</script></body></html>"#,
            inner.display()
        ),
    )
    .unwrap();
    let profile = dir.join(format!("profile-layout-{width}"));
    let out = browser(
        bin,
        &profile,
        &[
            "--allow-file-access-from-files",
            "--window-size=800,900",
            "--dump-dom",
        ],
        &outer,
    );
    std::fs::remove_file(&inner).unwrap();
    let dom = text(&out.stdout);
    let json = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("{}: no layout result in {dom}", page.display()))
        .replace("&quot;", "\"")
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

#[test]
fn every_report_fits_a_desktop_and_a_phone_with_legible_charts() {
    let Some((bin, sb, pages)) = rendered_sample() else {
        return;
    };
    let mut charts_seen = 0;
    for page in &pages {
        for width in [1280, 390] {
            let r = layout(&bin, &sb.path(""), page, width);
            let at = format!("{} at {width} px", page.display());
            assert_eq!(r["width"], width, "{at}: the frame's width");
            assert_eq!(r["bad"], serde_json::json!([]), "{at}: {r}");
            if let Some(px) = r["minFont"].as_f64() {
                charts_seen += 1;
                assert!(
                    px >= 9.0,
                    "{at}: chart text of {px:.2} px ({})",
                    r["minText"]
                );
            }
            if width == 1280 {
                assert_eq!(
                    r["scrolls"], 0,
                    "{at}: a table or chart scrolls sideways: {r}"
                );
            }
        }
    }
    assert!(charts_seen > 0, "no page had a chart to measure");
}
