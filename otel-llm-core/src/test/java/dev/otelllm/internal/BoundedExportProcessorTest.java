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
      assertThat(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(ok.exported).containsExactly("first");
      span(tp, "second");
      tp.shutdown().join(10, TimeUnit.SECONDS);
      assertThat(ok.exported).containsExactly("first", "second");
    }
  }

  @Test
  void flush_completesWhenAnExporterAnswersOnItsOwnThread_notAfterTheScheduleDelay() throws Exception {
    java.util.concurrent.ScheduledExecutorService answers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      ScriptedExporter later = new ScriptedExporter(spans -> {
        CompletableResultCode r = new CompletableResultCode();
        answers.schedule(r::succeed, 50, TimeUnit.MILLISECONDS);
        return r;
      });
      BoundedExportProcessor p = new BoundedExportProcessor(later, 100, 100, Duration.ofSeconds(30), Duration.ofSeconds(20));
      SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
      for (int round = 0; round < 5; round++) {
        span(tp, "s" + round);
        assertThat(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }
      assertThat(p.stats().exported()).isEqualTo(5);
      tp.shutdown().join(10, TimeUnit.SECONDS);
    } finally {
      answers.shutdownNow();
    }
  }

  @Test
  void aFlush_neverTakesASpansPlaceInTheQueue() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ScriptedExporter stuck = new ScriptedExporter(spans -> {
      try {
        release.await(10, TimeUnit.SECONDS); // the worker is busy: spans stay queued
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CompletableResultCode.ofSuccess();
    });
    BoundedExportProcessor p = new BoundedExportProcessor(stuck, 2, 1, Duration.ofMillis(10), Duration.ofSeconds(20));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    span(tp, "taken");
    Thread.sleep(100); // the worker has taken "taken" and waits in the exporter
    span(tp, "queued-1");
    CompletableResultCode flush = p.forceFlush();
    span(tp, "queued-2"); // fits: the flush's wake-up has a slot of its own
    span(tp, "dropped"); // the queue (2) is full
    assertThat(p.stats().dropped()).isEqualTo(1);
    release.countDown();
    assertThat(flush.join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    tp.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(stuck.exported).containsExactly("taken", "queued-1", "queued-2");
    assertThat(p.stats().exported() + p.stats().dropped()).isEqualTo(4);
  }

  @Test
  void aFlush_waitsForItsOwnSpans_evenWhenSpansDroppedAfterItOutnumberThem() throws Exception {
    List<CompletableResultCode> answers = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean answerAtOnce = new java.util.concurrent.atomic.AtomicBoolean();
    ScriptedExporter later = new ScriptedExporter(spans -> {
      if (answerAtOnce.get()) {
        return CompletableResultCode.ofSuccess();
      }
      CompletableResultCode r = new CompletableResultCode();
      answers.add(r);
      return r;
    });
    BoundedExportProcessor p = new BoundedExportProcessor(later, 2, 1, Duration.ofMillis(5), Duration.ofSeconds(20));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    span(tp, "mine");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (answers.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1); // "mine" is sent and not answered
    }
    CompletableResultCode flush = p.forceFlush();
    for (int i = 0; i < 20; i++) {
      span(tp, "later-" + i); // most are dropped: the queue holds 2 and batches stay unanswered
    }
    Thread.sleep(200);
    assertThat(p.stats().dropped()).isGreaterThan(1);
    assertThat(flush.isDone()).as("flush done before its span was answered").isFalse();
    answers.get(0).succeed();
    assertThat(flush.join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    answerAtOnce.set(true);
    answers.forEach(CompletableResultCode::succeed);
    tp.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void anUnansweredBatch_expiresOnTime_evenWithALongScheduleDelay() {
    ScriptedExporter silent = new ScriptedExporter(spans -> new CompletableResultCode()); // never answers
    BoundedExportProcessor p = new BoundedExportProcessor(silent, 100, 100, Duration.ofSeconds(30), Duration.ofMillis(300));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    span(tp, "unanswered");
    CompletableResultCode flush = p.forceFlush().join(10, TimeUnit.SECONDS);
    assertThat(flush.isDone()).isTrue();
    assertThat(flush.isSuccess()).isFalse();
    assertThat(p.stats().failed()).isEqualTo(1);
    tp.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void backingOff_neverGrowsABatchPastItsSize() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    ScriptedExporter failing = new ScriptedExporter(spans -> {
      sizes.add(spans.size());
      return CompletableResultCode.ofFailure();
    });
    BoundedExportProcessor p = new BoundedExportProcessor(failing, 1000, 5, Duration.ofMillis(20), Duration.ofSeconds(2));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    for (int i = 0; i < 200; i++) {
      span(tp, "s" + i);
      Thread.sleep(2); // spans keep coming while the worker backs off
    }
    tp.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(sizes).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(5));
    ExportStats st = p.stats();
    assertThat(st.exported() + st.failed() + st.dropped() + st.queued()).isEqualTo(200);
  }

  @Test
  void anExporterThrowingAnError_doesNotKillTheWorker() {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    ScriptedExporter broken = new ScriptedExporter(spans -> {
      if (calls.getAndIncrement() == 0) {
        throw new NoClassDefFoundError("some/missing/Class");
      }
      return CompletableResultCode.ofSuccess();
    });
    // A long delay and room for two: each span is sent by the flush that follows it.
    BoundedExportProcessor p = new BoundedExportProcessor(broken, 100, 2, Duration.ofSeconds(30), Duration.ofSeconds(2));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    span(tp, "first");
    assertThat(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isFalse();
    span(tp, "second");
    assertThat(p.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(broken.exported).containsExactly("second");
    assertThat(p.stats().failed()).isEqualTo(1);
    tp.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Test
  void anExporterStuckBeyondInterrupts_failsWaitingFlushes_insteadOfHangingThem() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ScriptedExporter stuck = new ScriptedExporter(spans -> {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      while (System.nanoTime() < until && release.getCount() > 0) {
        try {
          release.await(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ignored) {
          // a badly behaved exporter: keeps blocking
        }
      }
      return CompletableResultCode.ofSuccess();
    });
    BoundedExportProcessor p = new BoundedExportProcessor(stuck, 100, 1, Duration.ofMillis(10), Duration.ofMillis(200));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    span(tp, "a");
    Thread.sleep(100); // the worker is inside the exporter
    span(tp, "b");
    CompletableResultCode flush = p.forceFlush();
    tp.shutdown();
    assertThat(flush.join(6, TimeUnit.SECONDS).isDone()).isTrue();
    assertThat(flush.isSuccess()).isFalse();
    release.countDown();
  }

  @Test
  void aFlushRacingShutdown_alwaysCompletes() {
    for (int round = 0; round < 50; round++) {
      BoundedExportProcessor p = new BoundedExportProcessor(
          new ScriptedExporter(spans -> CompletableResultCode.ofSuccess()), 100, 100, Duration.ofSeconds(30),
          Duration.ofSeconds(2));
      SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
      span(tp, "x");
      CompletableResultCode[] flush = new CompletableResultCode[1];
      Thread flusher = new Thread(() -> flush[0] = p.forceFlush());
      flusher.start();
      tp.shutdown();
      try {
        flusher.join(5_000);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      assertThat(flush[0].join(10, TimeUnit.SECONDS).isDone()).as("round " + round).isTrue();
    }
  }

  @Test
  void shutdown_exportsTheOpenBatch_evenWithALongScheduleDelay() {
    ScriptedExporter ok = new ScriptedExporter(spans -> CompletableResultCode.ofSuccess());
    BoundedExportProcessor p = new BoundedExportProcessor(ok, 100, 100, Duration.ofSeconds(30), Duration.ofMillis(500));
    SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(p).build();
    span(tp, "last");
    tp.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(ok.exported).containsExactly("last");
  }
}
