package dev.otelllm.trace;

import dev.otelllm.internal.HexIds;
import dev.otelllm.internal.JsonTree;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A filter over kept interactions. Immutable; start from a factory and narrow with the {@code
 * and...} methods, e.g. {@code TraceQuery.session(id).andErrorsOnly().andLast(5)}. Every condition
 * must hold; {@link #andLast} keeps the newest matches. Lookups by span id, trace id and session id
 * use indexes; the other conditions filter what those (or the whole buffer) give.
 */
public final class TraceQuery {

  private static final TraceQuery ALL =
      new TraceQuery(null, null, null, null, null, false, null, -1);

  private final String traceId;
  private final String spanId;
  private final String sessionId;
  private final String metadataKey;
  private final Object metadataValue;
  private final boolean errorsOnly;
  private final Predicate<Interaction> predicate;
  private final int last;
  // The ids as numbers, parsed once per query; an id that is not hex matches nothing.
  private final boolean traceIdValid;
  private final long traceIdHigh;
  private final long traceIdLow;
  private final boolean spanIdValid;
  private final long spanIdBits;

  private TraceQuery(
      String traceId,
      String spanId,
      String sessionId,
      String metadataKey,
      Object metadataValue,
      boolean errorsOnly,
      Predicate<Interaction> predicate,
      int last) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.sessionId = sessionId;
    this.metadataKey = metadataKey;
    this.metadataValue = metadataValue;
    this.errorsOnly = errorsOnly;
    this.predicate = predicate;
    this.last = last;
    this.traceIdValid = traceId != null && HexIds.isHex(traceId, 32);
    this.traceIdHigh = traceIdValid ? HexIds.parse(traceId, 0, "traceId") : 0;
    this.traceIdLow = traceIdValid ? HexIds.parse(traceId, 16, "traceId") : 0;
    this.spanIdValid = spanId != null && HexIds.isHex(spanId, 16);
    this.spanIdBits = spanIdValid ? HexIds.parse(spanId, 0, "spanId") : 0;
  }

  /** Every kept interaction. */
  public static TraceQuery all() {
    return ALL;
  }

  /** The interactions of one OpenTelemetry trace (a workflow run has several). */
  public static TraceQuery traceId(String traceId) {
    return ALL.andTraceId(traceId);
  }

  /** Exactly one interaction, by its span id. */
  public static TraceQuery spanId(String spanId) {
    return ALL.andSpanId(spanId);
  }

  /** The interactions of one session. */
  public static TraceQuery session(String sessionId) {
    return ALL.andSession(sessionId);
  }

  /** Interactions whose metadata {@code key} equals {@code value} (numbers compare by value). */
  public static TraceQuery metadata(String key, Object value) {
    return ALL.andMetadata(key, value);
  }

  /** Failed interactions. */
  /** Interactions of this operation: {@code chat}, {@code embeddings}, ... */
  public static TraceQuery operation(String operation) {
    return ALL.andOperation(operation);
  }

  public static TraceQuery errorsOnly() {
    return ALL.andErrorsOnly();
  }

  /** Interactions the predicate accepts. */
  public static TraceQuery where(Predicate<Interaction> predicate) {
    return ALL.andWhere(predicate);
  }

  /** The newest {@code n}. */
  public static TraceQuery last(int n) {
    return ALL.andLast(n);
  }

  public TraceQuery andTraceId(String traceId) {
    return new TraceQuery(
        requireText(traceId, "traceId"),
        spanId,
        sessionId,
        metadataKey,
        metadataValue,
        errorsOnly,
        predicate,
        last);
  }

  public TraceQuery andSpanId(String spanId) {
    return new TraceQuery(
        traceId,
        requireText(spanId, "spanId"),
        sessionId,
        metadataKey,
        metadataValue,
        errorsOnly,
        predicate,
        last);
  }

  public TraceQuery andSession(String sessionId) {
    return new TraceQuery(
        traceId,
        spanId,
        requireText(sessionId, "sessionId"),
        metadataKey,
        metadataValue,
        errorsOnly,
        predicate,
        last);
  }

  public TraceQuery andMetadata(String key, Object value) {
    Object normalized = JsonTree.copy(Objects.requireNonNull(value, "value"), "value");
    return new TraceQuery(
        traceId,
        spanId,
        sessionId,
        requireText(key, "key"),
        normalized,
        errorsOnly,
        predicate,
        last);
  }

  /** And of this operation ({@code gen_ai.operation.name}). */
  public TraceQuery andOperation(String operation) {
    Objects.requireNonNull(operation, "operation");
    return andWhere(t -> t.operation().equals(operation));
  }

  public TraceQuery andErrorsOnly() {
    return new TraceQuery(
        traceId, spanId, sessionId, metadataKey, metadataValue, true, predicate, last);
  }

  public TraceQuery andWhere(Predicate<Interaction> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    Predicate<Interaction> combined =
        this.predicate == null ? predicate : this.predicate.and(predicate);
    return new TraceQuery(
        traceId, spanId, sessionId, metadataKey, metadataValue, errorsOnly, combined, last);
  }

  /** Keeps only the newest {@code n} matches; {@code n >= 0}. */
  public TraceQuery andLast(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    return new TraceQuery(
        traceId, spanId, sessionId, metadataKey, metadataValue, errorsOnly, predicate, n);
  }

  String traceIdOrNull() {
    return traceId;
  }

  /** Whether the trace id condition names a valid id; its halves. */
  boolean traceIdValid() {
    return traceIdValid;
  }

  long traceIdHigh() {
    return traceIdHigh;
  }

  long traceIdLow() {
    return traceIdLow;
  }

  /** Whether the span id condition names a valid id; its bits. */
  boolean spanIdValid() {
    return spanIdValid;
  }

  long spanIdBits() {
    return spanIdBits;
  }

  String spanIdOrNull() {
    return spanId;
  }

  String sessionIdOrNull() {
    return sessionId;
  }

  String metadataKeyOrNull() {
    return metadataKey;
  }

  Object metadataValueOrNull() {
    return metadataValue;
  }

  boolean errorsOnlyCondition() {
    return errorsOnly;
  }

  /** True when {@link #andWhere} set a predicate, which only this JVM's code can apply. */
  boolean hasPredicate() {
    return predicate != null;
  }

  /** The newest-n bound, or -1 for none. */
  int lastOrNone() {
    return last;
  }

  /** True when only {@link #andLast} (or nothing) was set. */
  boolean isPlain() {
    return traceId == null
        && spanId == null
        && sessionId == null
        && metadataKey == null
        && !errorsOnly
        && predicate == null;
  }

  /** Whether the trace meets every condition except the last-n bound. */
  public boolean matches(Interaction t) {
    if (traceId != null
        && !(traceIdValid && t.traceIdHigh() == traceIdHigh && t.traceIdLow() == traceIdLow)) {
      return false;
    }
    if (spanId != null && !(spanIdValid && t.spanIdBits() == spanIdBits)) {
      return false;
    }
    if (sessionId != null && !sessionId.equals(t.sessionId())) {
      return false;
    }
    if (metadataKey != null && !sameValue(metadataValue, t.metadata().get(metadataKey))) {
      return false;
    }
    if (errorsOnly && !t.failed()) {
      return false;
    }
    return predicate == null || predicate.test(t);
  }

  private static boolean sameValue(Object expected, Object actual) {
    if (expected instanceof Number e && actual instanceof Number a) {
      return e.doubleValue() == a.doubleValue();
    }
    return Objects.equals(expected, actual);
  }

  private static String requireText(String s, String name) {
    Objects.requireNonNull(s, name);
    if (s.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return s;
  }

  @Override
  public String toString() {
    return "TraceQuery{traceId="
        + traceId
        + ", spanId="
        + spanId
        + ", session="
        + sessionId
        + ", metadata="
        + metadataKey
        + "="
        + metadataValue
        + ", errorsOnly="
        + errorsOnly
        + ", predicate="
        + (predicate != null)
        + ", last="
        + last
        + "}";
  }
}
