package dev.otelllm.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.export.SampleTraces;
import dev.otelllm.export.TraceExport;
import dev.otelllm.export.TraceFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in headless Chromium (Debian's {@code chromium}, or the one {@code
 * CHROMIUM} names) and reads the page's DOM after its script ran. The integration profile runs it;
 * {@code .ci/run} installs the browser. The browser-free checks of the page are in TraceExportTest.
 */
class HtmlInChromiumTest {

  private static SampleTraces samples;

  @BeforeAll
  static void record() {
    samples = new SampleTraces();
  }

  @AfterAll
  static void close() {
    samples.close();
  }

  static String chromium() {
    String configured = System.getenv("CHROMIUM");
    for (String candidate :
        new String[] {configured, "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
      if (candidate != null && Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "Chromium not found: install Debian's chromium (apt-get install chromium) "
            + "or set CHROMIUM to its path; .ci/run installs it");
  }

  static String dumpDom(Path page, String fragment, Path profile) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=2000",
                "--dump-dom",
                page.toUri() + fragment));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 60 s");
    }
    assertThat(p.exitValue()).as("chromium exit code").isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  private static String bodyTag(String dom) {
    Matcher m = Pattern.compile("<body[^>]*>").matcher(dom);
    assertThat(m.find())
        .as("a body element in " + dom.substring(0, Math.min(200, dom.length())))
        .isTrue();
    return m.group();
  }

  @Test
  void rendersEveryRow_runsItsOwnScript_andNoScriptFromTheContent(@TempDir Path dir)
      throws Exception {
    Path page = TraceExport.toFile(samples.traces(), TraceFormat.HTML, dir.resolve("report.html"));
    String dom = dumpDom(page, "", dir.resolve("profile"));
    String body = bodyTag(dom);
    assertThat(body)
        .contains("data-rows=\"6\"")
        .contains("data-visible-rows=\"6\"")
        .doesNotContain("data-pwned");
    assertThat(dom.split("<details class=\"row\"", -1)).hasSize(7);
    // The injected markup is there, as text.
    assertThat(dom)
        .contains("&lt;img src=x onerror=")
        .doesNotContain("<img src=\"x\"")
        .doesNotContain("<img src=x");
    assertThat(countOf(dom, "<script")).isEqualTo(1);
  }

  @Test
  void filtersBySessionAndStepType(@TempDir Path dir) throws Exception {
    Path page = TraceExport.toFile(samples.traces(), TraceFormat.HTML, dir.resolve("report.html"));
    assertThat(bodyTag(dumpDom(page, "#step=code_generation", dir.resolve("p1"))))
        .contains("data-visible-rows=\"3\"");
    assertThat(bodyTag(dumpDom(page, "#session=sess-1&step=code_generation", dir.resolve("p2"))))
        .contains("data-visible-rows=\"3\"");
    assertThat(bodyTag(dumpDom(page, "#step=methodology_generation", dir.resolve("p3"))))
        .contains("data-visible-rows=\"1\"");
  }

  private static int countOf(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
