package dev.otelllm.internal;

import dev.otelllm.ExportStats;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Exports sampled spans in batches from a bounded queue on one daemon thread. The application's
 * thread only offers a span to the queue: it never waits, never sees an exception, and when the
 * queue is full (a slow or dead collector) the span is dropped and counted. Each batch waits at
 * most the export timeout; failures are counted and logged at most once a minute. Every span
 * handed over is accounted for in {@link #stats()}. Not API.
 */
public final class BoundedExportProcessor implements SpanProcessor {

  private static final Logger logger = Logger.getLogger(BoundedExportProcessor.class.getName());
  private static final ThrottledLogger failures = new ThrottledLogger(logger);

  private final SpanExporter exporter;
  // Spans, and now and then WAKE_UP: shutdown and flush put it there so that a worker waiting for
  // spans (up to the schedule delay) acts at once instead of when the wait ends.
  private final ArrayBlockingQueue<Object> queue;
  private final int maxQueueSize;
  private static final Object WAKE_UP = new Object();
  private final List<Object> drained = new ArrayList<>();
  // At most one WAKE_UP in the queue, so that many flushes cannot crowd spans out of it.
  private final AtomicBoolean wakeUpQueued = new AtomicBoolean();
  private final int maxBatchSize;
  private final long scheduleDelayNanos;
  private final long exportTimeoutNanos;
  private final Thread worker;
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final AtomicLong exported = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  // Spans taken off the queue by the worker and not yet counted as exported or failed.
  private final AtomicLong inFlight = new AtomicLong();
  // Spans queued so far, counted under offerLock in queue order, so that the first n spans the
  // worker takes are exactly the first n queued: a flush waits for the spans queued before it.
  private final Object offerLock = new Object();
  private long queued; // guarded by offerLock
  // Spans the worker has taken off the queue (written by the worker only).
  private volatile long taken;
  private final java.util.concurrent.ConcurrentLinkedQueue<FlushRequest> flushes =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private record FlushRequest(long target, long failedBefore, CompletableResultCode result) {}
  // Batches sent and not yet answered: several at once so that marshaling the next batch overlaps
  // with the network and the receiver. The worker waits for a permit, never the application.
  private static final int MAX_BATCHES_IN_FLIGHT = 4;
  private final java.util.concurrent.Semaphore inFlightBatches = new java.util.concurrent.Semaphore(MAX_BATCHES_IN_FLIGHT);
  private final java.util.Set<Batch> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
  // While the collector keeps failing, wait before the next batch (100 ms doubling to 5 s): a
  // refusing collector then costs the application's cores almost nothing, and is not hammered.
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  private final java.util.concurrent.atomic.AtomicInteger consecutiveFailures = new java.util.concurrent.atomic.AtomicInteger();
  private volatile long resumeAt = System.nanoTime();

  public BoundedExportProcessor(SpanExporter exporter, int maxQueueSize, int maxBatchSize, Duration scheduleDelay,
      Duration exportTimeout) {
    this.exporter = exporter;
    // One slot more than the spans may take, so that a wake-up never costs a span its place.
    this.queue = new ArrayBlockingQueue<>(maxQueueSize + 1);
    this.maxQueueSize = maxQueueSize;
    this.maxBatchSize = maxBatchSize;
    this.scheduleDelayNanos = scheduleDelay.toNanos();
    this.exportTimeoutNanos = exportTimeout.toNanos();
    this.worker = new Thread(this::run, "otel-llm-export");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    try {
      if (!span.getSpanContext().isSampled()) {
        return;
      }
      SpanData data = span.toSpanData();
      boolean accepted;
      synchronized (offerLock) {
        // The queue has one slot beyond maxQueueSize for the wake-up; spans stay within
        // maxQueueSize (give or take one under a race, which the extra slot absorbs).
        int spans = queue.size() - (wakeUpQueued.get() ? 1 : 0);
        accepted = !shutdown.get() && spans < maxQueueSize && queue.offer(data);
        if (accepted) {
          queued++;
        }
      }
      if (!accepted) {
        dropped.incrementAndGet();
      }
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      failures.log(Level.WARNING, "could not queue a span for export", e);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** Counts so far; consistent enough for monitoring, exact once the queue is idle and answered. */
  public ExportStats stats() {
    return new ExportStats(queuedSpans() + inFlight.get(), exported.get(), failed.get(), dropped.get());
  }

  /** Spans in the queue, not counting a wake-up. */
  private long queuedSpans() {
    int n = queue.size();
    return n > 0 && queue.contains(WAKE_UP) ? queue.stream().filter(o -> o != WAKE_UP).count() : n;
  }

  /** Completes a waiting flush exactly once: whoever takes it off the list completes it. */
  private void finish(FlushRequest f, boolean ok) {
    if (flushes.remove(f)) {
      if (ok) {
        f.result().succeed();
      } else {
        f.result().fail();
      }
    }
  }

  private void run() {
    List<SpanData> batch = new ArrayList<>(maxBatchSize);
    long nextExport = System.nanoTime() + scheduleDelayNanos;
    while (true) {
      try {
        long now = System.nanoTime();
        long wait = nextExport - now;
        long expiry = oldestExpiry();
        if (expiry != Long.MAX_VALUE) {
          // An unanswered batch expires on time even while the worker waits for spans.
          wait = Math.min(wait, expiry - now);
        }
        if (!batch.isEmpty() && (batch.size() >= maxBatchSize || flushNeeds(batch.size()))) {
          // A batch that is due waits only for the end of a backoff, not for the schedule.
          wait = Math.min(wait, resumeAt - now);
        }
        // A full batch takes no more spans (while backing off, say): they wait in the queue.
        Object item = batch.size() >= maxBatchSize ? null
            : wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
        if (item == WAKE_UP) {
          wakeUpQueued.set(false);
        }
        if (item instanceof SpanData span) {
          inFlight.incrementAndGet();
          taken++;
          batch.add(span);
          int room = maxBatchSize - batch.size();
          if (room > 0) {
            queue.drainTo(drained, room);
            for (Object o : drained) {
              if (o instanceof SpanData s) {
                batch.add(s);
                inFlight.incrementAndGet();
                taken++;
              } else {
                wakeUpQueued.set(false);
              }
            }
            drained.clear();
          }
        }
        expireStale();
        boolean due = batch.size() >= maxBatchSize || System.nanoTime() - nextExport >= 0
            || flushNeeds(batch.size()) || shutdown.get();
        if (due) {
          long pause = resumeAt - System.nanoTime();
          if (pause > 0 && !batch.isEmpty() && !shutdown.get()) {
            // Backing off: spans arriving meanwhile find the queue full and are dropped (counted).
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(pause, scheduleDelayNanos))));
            continue;
          }
          if (!batch.isEmpty()) {
            send(batch);
            batch = new ArrayList<>(maxBatchSize);
          }
          nextExport = System.nanoTime() + scheduleDelayNanos;
        }
        if (batch.isEmpty()) {
          completeFlushes();
        }
        if (shutdown.get() && queue.isEmpty() && batch.isEmpty()) {
          awaitAnswers(exportTimeoutNanos);
          completeFlushes();
          return;
        }
      } catch (InterruptedException e) {
        // Shutdown ran out of time: what is left is counted as failed, not lost silently.
        long left = batch.size() + queuedSpans();
        queue.clear();
        inFlight.addAndGet(-(long) batch.size());
        failed.addAndGet(left);
        for (Batch b : pending) {
          b.settle(false);
        }
        failFlushes();
        return;
      } catch (Throwable t) {
        // An exporter that throws an Error must not kill the worker (and hang every flush).
        failures.log(Level.WARNING, "export worker error", t);
      }
    }
  }

  /** True when a waiting flush needs spans that are still in the open batch or the queue. */
  private boolean flushNeeds(int openBatch) {
    long sent = taken - openBatch;
    for (FlushRequest f : flushes) {
      if (f.target() > sent) {
        return true;
      }
    }
    return false;
  }

  /** When the oldest unanswered batch expires, or Long.MAX_VALUE when none is unanswered. */
  private long oldestExpiry() {
    long oldest = Long.MAX_VALUE;
    for (Batch b : pending) {
      oldest = Math.min(oldest, b.sentAt + exportTimeoutNanos);
    }
    return oldest;
  }

  /** Fails every waiting flush: the worker stopped before their spans were settled. */
  private void failFlushes() {
    for (FlushRequest f : flushes) {
      finish(f, false);
    }
  }

  /** Batches unanswered for longer than the export timeout count as failed. */
  private void expireStale() {
    long now = System.nanoTime();
    for (Batch b : pending) {
      if (now - b.sentAt > exportTimeoutNanos) {
        failures.log(Level.WARNING, "no answer to an export within " + TimeUnit.NANOSECONDS.toMillis(exportTimeoutNanos)
            + " ms; its " + b.size + " spans count as failed", null);
        b.settle(false);
      }
    }
  }

  /**
   * Completes the flushes whose spans are all settled — taken off the queue, and no unanswered
   * batch holds one of them: failed if any export failed meanwhile. Called by the worker with no
   * batch of its own open.
   */
  private void completeFlushes() {
    long oldestUnsettled = taken;
    for (Batch b : pending) {
      oldestUnsettled = Math.min(oldestUnsettled, b.firstIndex);
    }
    for (FlushRequest f : flushes) {
      if (oldestUnsettled >= f.target()) {
        finish(f, failed.get() <= f.failedBefore());
      }
    }
  }

  /** Sends one batch without waiting for its answer (at most a few batches are unanswered). */
  private void send(List<SpanData> spans) throws InterruptedException {
    // A batch whose exporter never answers must not hold its place for ever: past the export
    // timeout the unanswered batches count as failed and free their places.
    if (!inFlightBatches.tryAcquire(exportTimeoutNanos, TimeUnit.NANOSECONDS)) {
      for (Batch b : pending) {
        failures.log(Level.WARNING, "no answer to an export within " + TimeUnit.NANOSECONDS.toMillis(exportTimeoutNanos)
            + " ms; its " + b.size + " spans count as failed", null);
        b.settle(false);
      }
      inFlightBatches.acquire();
    }
    Batch batch = new Batch(spans.size(), taken - spans.size());
    pending.add(batch);
    try {
      CompletableResultCode result = exporter.export(spans);
      result.whenComplete(() -> {
        boolean ok = result.isSuccess();
        if (!ok) {
          failures.log(Level.WARNING, "exporting " + batch.size + " spans failed", result.getFailureThrowable());
        }
        batch.settle(ok);
      });
    } catch (RuntimeException | Error e) {
      failures.log(Level.WARNING, "exporting " + spans.size() + " spans failed", e);
      batch.settle(false);
    }
  }

  /** Waits until every sent batch is answered, at most the export timeout; the rest count as failed. */
  private void awaitAnswers(long timeoutNanos) throws InterruptedException {
    if (inFlightBatches.tryAcquire(MAX_BATCHES_IN_FLIGHT, timeoutNanos, TimeUnit.NANOSECONDS)) {
      inFlightBatches.release(MAX_BATCHES_IN_FLIGHT);
      return;
    }
    for (Batch b : pending) {
      failures.log(Level.WARNING, "no answer to an export within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
          + " ms; its " + b.size + " spans count as failed", null);
      b.settle(false);
    }
  }

  /** One sent batch, counted exactly once whichever of its answer or a timeout comes first. */
  private final class Batch {
    final int size;
    final long sentAt = System.nanoTime();
    // Position of its first span among all spans taken off the queue.
    final long firstIndex;
    private final AtomicBoolean settled = new AtomicBoolean();

    Batch(int size, long firstIndex) {
      this.size = size;
      this.firstIndex = firstIndex;
    }

    void settle(boolean ok) {
      if (settled.compareAndSet(false, true)) {
        if (ok) {
          consecutiveFailures.set(0);
        } else {
          int n = consecutiveFailures.incrementAndGet();
          long backoff = Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(n - 1, 10));
          resumeAt = System.nanoTime() + backoff;
        }
        (ok ? exported : failed).addAndGet(size);
        inFlight.addAndGet(-size);
        pending.remove(this);
        inFlightBatches.release();
        if (!flushes.isEmpty()) {
          // An exporter answering on its own thread: the waiting flush can complete now, not
          // when the worker's wait for spans ends.
          wakeUp();
        }
      }
    }
  }

  /** After the worker has stopped: flushes still waiting complete, failed if anything failed. */
  private void completeLeftFlushes() {
    if (worker.isAlive()) {
      return; // the worker completes them on its last round
    }
    for (FlushRequest f : flushes) {
      finish(f, failed.get() <= f.failedBefore() && queuedSpans() == 0);
    }
  }

  // When the queue is full the worker is busy, and sees the flag or request on its next round anyway.
  private void wakeUp() {
    if (wakeUpQueued.compareAndSet(false, true) && !queue.offer(WAKE_UP)) {
      wakeUpQueued.set(false);
    }
  }

  /**
   * Exports what was handed over before this call; completes when all of it is settled — with
   * success when every export since the call succeeded, failure otherwise. At once if shut down
   * (failed if spans were left unsent).
   */
  @Override
  public CompletableResultCode forceFlush() {
    if (shutdown.get() || !worker.isAlive()) {
      return queuedSpans() > 0 ? CompletableResultCode.ofFailure() : CompletableResultCode.ofSuccess();
    }
    CompletableResultCode result = new CompletableResultCode();
    // Failures counted before the target is read: a batch failing in between is not forgiven.
    long failedBefore = failed.get();
    long target;
    synchronized (offerLock) {
      target = queued;
    }
    flushes.add(new FlushRequest(target, failedBefore, result));
    if (shutdown.get() || !worker.isAlive()) {
      // Shutdown won the race: the worker may have made its last round already.
      completeLeftFlushes();
    } else {
      wakeUp();
    }
    return result;
  }

  /**
   * Stops taking spans, exports what is queued for at most the export timeout plus one second,
   * then stops the worker and shuts the exporter down. Never hangs the JVM: the worker is a daemon.
   */
  @Override
  public CompletableResultCode shutdown() {
    // Under offerLock: once it is set no span can still be offered, so the worker's last round
    // (queue empty and shut down) cannot miss one.
    synchronized (offerLock) {
      if (!shutdown.compareAndSet(false, true)) {
        return CompletableResultCode.ofSuccess();
      }
    }
    wakeUp();
    CompletableResultCode result = new CompletableResultCode();
    Thread stopper = new Thread(() -> {
      try {
        worker.join(TimeUnit.NANOSECONDS.toMillis(exportTimeoutNanos) + 1000);
        if (worker.isAlive()) {
          worker.interrupt();
          worker.join(1000);
        }
        completeLeftFlushes();
        if (worker.isAlive()) {
          // Stuck in an exporter that ignores interrupts: waiting flushes fail rather than hang.
          failFlushes();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exporter.shutdown().whenComplete(result::succeed);
    }, "otel-llm-export-shutdown");
    stopper.setDaemon(true);
    stopper.start();
    return result;
  }
}
