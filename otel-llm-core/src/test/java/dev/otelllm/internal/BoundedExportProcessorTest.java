package dev.otelllm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.ExportStats;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BoundedExportProcessorTest {

  /** An exporter whose answer to each batch the test decides. */
  static final class ScriptedExporter implements SpanExporter {
    final List<String> exported = new CopyOnWriteArrayList<>();
    final Function<Collection<SpanData>, CompletableResultCode> answer;

    ScriptedExporter(Function<Collection<SpanData>, CompletableResultCode> answer) {
      this.answer = answer;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      CompletableResultCode r = answer.apply(spans);
      if (r.isSuccess()) {
        spans.forEach(s -> exported.add(s.getName()));
      }
      return r;
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static void span(SdkTracerProvider tp, String name) {
    tp.get("t").spanBuilder(name).startSpan().end();
  }

  @Test
  void exportsThatNeverAnswer_doNotWedgeTheWorker() {
    ScriptedExporter hung = new ScriptedExporter(spans -> new CompletableResultCode());
    BoundedExportProcessor p = new BoundedExportProcessor(hung, 100, 1, Duration.ofMillis(10), Duration.ofMillis(200));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    for (int i = 0; i < 10; i++) {
      span(tp, "s" + i);
    }
    CompletableResultCode flush = tp.forceFlush().join(10, TimeUnit.SECONDS);
    assertThat(flush.isDone()).isTrue();
    assertThat(flush.isSuccess()).isFalse();
    ExportStats s = p.stats();
    assertThat(s.failed()).isEqualTo(10);
    assertThat(s.queued()).isZero();
    tp.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void everyFlushWaitsForItsOwnSpans_andReportsFailure() {
    List<String> names = new CopyOnWriteArrayList<>();
    ScriptedExporter slowOk = new ScriptedExporter(spans -> {
      CompletableResultCode r = new CompletableResultCode();
      new Thread(() -> {
        try {
          Thread.sleep(100);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
        spans.forEach(x -> names.add(x.getName()));
        r.succeed();
      }).start();
      return r;
    });
    BoundedExportProcessor p = new BoundedExportProcessor(slowOk, 100, 10, Duration.ofSeconds(5), Duration.ofSeconds(5));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    span(tp, "A");
    CompletableResultCode first = p.forceFlush();
    span(tp, "B");
    CompletableResultCode second = p.forceFlush();
    assertThat(second.join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(names).contains("A", "B");
    assertThat(first.join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

    ScriptedExporter failing = new ScriptedExporter(spans -> CompletableResultCode.ofFailure());
    BoundedExportProcessor q = new BoundedExportProcessor(failing, 100, 10, Duration.ofSeconds(5), Duration.ofSeconds(5));
    SdkTracerProvider tq = SdkTracerProvider.builder().addSpanProcessor(q).build();
    span(tq, "X");
    assertThat(q.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
    tp.shutdown().join(10, TimeUnit.SECONDS);
    tq.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void flushCompletes_whileOthersKeepAddingSpans() throws Exception {
    ScriptedExporter ok = new ScriptedExporter(spans -> CompletableResultCode.ofSuccess());
    BoundedExportProcessor p = new BoundedExportProcessor(ok, 10_000, 100, Duration.ofMillis(5), Duration.ofSeconds(5));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    Thread producer = new Thread(() -> {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
      while (System.nanoTime() < end) {
        span(tp, "load");
      }
    });
    producer.start();
    Thread.sleep(200);
    CompletableResultCode flush = p.forceFlush().join(5, TimeUnit.SECONDS);
    assertThat(flush.isDone()).isTrue();
    producer.join();
    tp.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void flushAndShutdown_wakeAWorkerThatWaitsOutALongScheduleDelay() {
    // The worker has taken the span and waits for more (up to 30 s) when flush and shutdown come.
    for (int round = 0; round < 20; round++) {
      ScriptedExporter ok = new ScriptedExporter(spans -> CompletableResultCode.ofSuccess());
      BoundedExportProcessor p = new BoundedExportProcessor(ok, 100, 100, Duration.ofSeconds(30), Duration.ofSeconds(20));
      SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
      span(tp, "first");
      long start = System.nanoTime();
      assertThat(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(ok.exported).containsExactly("first");
      span(tp, "second");
      tp.shutdown().join(10, TimeUnit.SECONDS);
      assertThat(ok.exported).containsExactly("first", "second");
      // Neither waited for the schedule delay nor for the export timeout.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    }
  }

  @Test
  void shutdown_exportsTheOpenBatch_evenWithALongScheduleDelay() {
    ScriptedExporter ok = new ScriptedExporter(spans -> CompletableResultCode.ofSuccess());
    BoundedExportProcessor p = new BoundedExportProcessor(ok, 100, 100, Duration.ofSeconds(30), Duration.ofMillis(500));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    span(tp, "last");
    long start = System.nanoTime();
    tp.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(ok.exported).containsExactly("last");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
  }
}
