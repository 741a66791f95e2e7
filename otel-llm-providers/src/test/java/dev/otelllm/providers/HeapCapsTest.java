package dev.otelllm.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answers that never end, read in a JVM whose heap is far smaller than they are. */
class HeapCapsTest {

  @Test
  void answersThatNeverEnd_failAtTheirCaps_inA64MiBHeap(@TempDir Path dir) throws Exception {
    int response = 4 << 20;
    int event = 1 << 20;
    int answer = 8 << 20;
    try (Fixtures f = new Fixtures()) {
      f.server.enqueue(EndlessBody.of(ResponseCapsTest.OPENAI_HEAD, "a"));
      f.server.enqueue(EndlessBody.announcing(1L << 30, ResponseCapsTest.OPENAI_HEAD, "a"));
      f.server.enqueue(EndlessBody.of("", ResponseCapsTest.OPENAI_TEXT_EVENT));
      f.server.enqueue(EndlessBody.of(ResponseCapsTest.OPENAI_CHUNK_HEAD, "a"));
      Path output = dir.resolve("child.out");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-cp",
                  System.getProperty("surefire.test.class.path"),
                  EndlessAnswerMain.class.getName(),
                  f.base("/v1"),
                  String.valueOf(response),
                  String.valueOf(event),
                  String.valueOf(answer))
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      // A guard against a hung child, not a measure of speed.
      if (!child.waitFor(2, TimeUnit.MINUTES)) {
        child.destroyForcibly();
      }
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      assertThat(child.exitValue()).as(String.join("\n", lines)).isZero();
      String raise = " bytes (ProviderOptions.Builder.%s; raise it to accept more)";
      assertThat(lines)
          .containsExactly(
              "generate, chunked: invalid_response openai: the answer is longer than "
                  + response
                  + raise.formatted("maxResponseBytes"),
              "generate, 1 GiB announced: invalid_response openai: the answer is longer than "
                  + response
                  + raise.formatted("maxResponseBytes"),
              "stream, endless answer: invalid_response openai: the streamed answer is longer than "
                  + answer
                  + raise.formatted("maxStreamedAnswerBytes"),
              "stream, endless line: invalid_response openai: a stream line is longer than "
                  + event
                  + raise.formatted("maxStreamEventBytes"),
              "failed traces: 4");
    }
  }
}
