package dev.otelllm.internal;

import dev.otelllm.ContentCapture;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link SpanExporter} decorator that applies the export-side {@link ContentCapture} to the
 * content attributes before spans leave the process, so that full content can stay in memory while
 * a collector gets none, the structure only, or a truncated copy. Spans without content attributes
 * pass through untouched. {@link ExportPolicyProcessor} applies it ({@link #apply}) when a span
 * ends, before the span waits in the export queue, so that no prompt waits there; as an exporter it
 * guards autoconfigure's exporters, whose spans may not have passed that processor. Not API.
 */
public final class ContentPolicyExporter implements SpanExporter {

  private static final Logger logger = Logger.getLogger(ContentPolicyExporter.class.getName());
  private static final ThrottledLogger failures = new ThrottledLogger(logger);

  // Metadata-only keeps these keys and nothing else: structure, never text.
  private static final Set<String> MESSAGE_KEYS = Set.of("role", "parts", "name", "finish_reason");
  private static final Set<String> PART_KEYS =
      Set.of("type", "id", "name", "mime_type", "modality");
  private static final Set<String> DEFINITION_KEYS = Set.of("type", "name");
  // Never passed through the redactor: structure, not content.
  private static final Set<String> STRUCTURAL_KEYS =
      Set.of("type", "role", "id", "name", "mime_type", "modality", "finish_reason");

  private static final List<String> STRICTNESS = List.of("none", "metadata", "truncated", "full");

  private final SpanExporter delegate;
  private final ContentCapture capture;
  private final boolean passThrough;
  private final boolean redactsErrors;

  public ContentPolicyExporter(SpanExporter delegate, ContentCapture capture) {
    this.delegate = delegate;
    this.capture = capture;
    // Full, unbounded, structured and unredacted: what the span carries may leave as it is.
    this.passThrough =
        capture.mode() == ContentCapture.Mode.FULL
            && capture.maxBytes() == 0
            && !capture.isJsonString()
            && capture.redactor() == UnaryOperator.<String>identity();
    this.redactsErrors = capture.redactor() != UnaryOperator.<String>identity();
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    List<SpanData> out = new ArrayList<>(spans.size());
    for (SpanData span : spans) {
      out.add(apply(span));
    }
    return delegate.export(out);
  }

  /**
   * Attributes as the policy lets them leave: {@code attributes} itself when they hold no content
   * and need no redaction, a governed copy otherwise (content removed, cut or redacted, metadata
   * redacted). For log records, whose attributes carry the same keys.
   */
  Attributes governAttributes(Attributes attributes) {
    if (passThrough) {
      return attributes;
    }
    boolean content = hasContent(attributes);
    if (!content && !(redactsErrors && hasMetadata(attributes))) {
      return attributes;
    }
    return content ? filter(attributes) : redactMetadata(attributes);
  }

  /** True for the policy that removes all content and redacts nothing (the default, none). */
  boolean dropsAllContentUnredacted() {
    return capture.mode() == ContentCapture.Mode.NONE && !redactsErrors;
  }

  /** The span as it may leave the process. */
  public SpanData apply(SpanData span) {
    if (span instanceof ExportedSpan) {
      return span; // the policy was applied before it was queued
    }
    SpanData governed = applyContent(span);
    return redactsErrors && hasErrorTexts(span) ? redactErrors(governed) : governed;
  }

  /**
   * Error texts (status description, {@code otel_llm.error.message}, the exception event's message
   * and stack trace) are not content and leave in every mode, but through the redactor when the
   * export policy has one: a server may quote the request back in its error.
   */
  private static boolean hasErrorTexts(SpanData span) {
    if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
      return true;
    }
    for (EventData e : span.getEvents()) {
      if ("exception".equals(e.getName())) {
        return true; // an exception recorded on a span that did not fail
      }
    }
    return false;
  }

  private SpanData redactErrors(SpanData span) {
    try {
      UnaryOperator<String> redactor =
          text -> {
            String out = capture.redactor().apply(text);
            if (out == null) {
              throw new IllegalStateException("the export redactor returned null");
            }
            return out;
          };
      AttributesBuilder b = span.getAttributes().toBuilder();
      String message = span.getAttributes().get(GenAiKeys.ERROR_MESSAGE);
      if (message != null) {
        b.put(GenAiKeys.ERROR_MESSAGE, redactor.apply(message));
      }
      Attributes attributes = b.build();
      StatusData status =
          span.getStatus().getStatusCode() == StatusCode.ERROR
              ? StatusData.create(
                  StatusCode.ERROR, redactor.apply(span.getStatus().getDescription()))
              : span.getStatus();
      List<EventData> events = new ArrayList<>(span.getEvents().size());
      for (EventData e : span.getEvents()) {
        if (!"exception".equals(e.getName())) {
          events.add(e);
          continue;
        }
        AttributesBuilder eb = e.getAttributes().toBuilder();
        e.getAttributes()
            .forEach(
                (k, v) -> {
                  if (v instanceof String text
                      && (k.getKey().equals("exception.message")
                          || k.getKey().equals("exception.stacktrace"))) {
                    eb.put(AttributeKey.stringKey(k.getKey()), redactor.apply(text));
                  }
                });
        events.add(
            EventData.create(
                e.getEpochNanos(), e.getName(), eb.build(), e.getTotalAttributeCount()));
      }
      return withErrorTexts(span, attributes, status, events);
    } catch (RuntimeException e) {
      // Never let an unredacted error text out because the redactor failed: drop the texts (and
      // the exception events that carry them).
      failures.log(Level.WARNING, "could not redact the error texts of a span; texts removed", e);
      AttributesBuilder b = span.getAttributes().toBuilder();
      b.remove(GenAiKeys.ERROR_MESSAGE);
      StatusData status =
          span.getStatus().getStatusCode() == StatusCode.ERROR
              ? StatusData.error()
              : span.getStatus();
      List<EventData> events = new ArrayList<>();
      for (EventData event : span.getEvents()) {
        if (!"exception".equals(event.getName())) {
          events.add(event);
        }
      }
      return withErrorTexts(span, b.build(), status, events);
    }
  }

  private static SpanData withErrorTexts(
      SpanData span, Attributes attributes, StatusData status, List<EventData> events) {
    return new DelegatingSpanData(span) {
      @Override
      public Attributes getAttributes() {
        return attributes;
      }

      @Override
      public StatusData getStatus() {
        return status;
      }

      @Override
      public List<EventData> getEvents() {
        return events;
      }
    };
  }

  private SpanData applyContent(SpanData span) {
    try {
      Attributes attributes = span.getAttributes();
      if (passThrough) {
        return span;
      }
      boolean content = hasContent(attributes);
      if (!content && !(redactsErrors && hasMetadata(attributes))) {
        return span;
      }
      Attributes filtered = content ? filter(attributes) : redactMetadata(attributes);
      int dropped = span.getTotalAttributeCount() - attributes.size();
      return new DelegatingSpanData(span) {
        @Override
        public Attributes getAttributes() {
          return filtered;
        }

        @Override
        public int getTotalAttributeCount() {
          return filtered.size() + dropped;
        }
      };
    } catch (RuntimeException e) {
      // Never let full content out because the filter failed: drop the content instead.
      failures.log(Level.WARNING, "could not apply the export content policy; content removed", e);
      return withoutContent(span);
    }
  }

  private static boolean hasContent(Attributes attributes) {
    for (String key : GenAiKeys.TOOL_CONTENT_KEYS) {
      if (attributes.get(AttributeKey.stringKey(key)) != null
          || attributes.get(AttributeKey.valueKey(key)) != null) {
        return true;
      }
    }
    for (String key : GenAiKeys.CONTENT_KEYS) {
      if (attributes.get(AttributeKey.valueKey(key)) != null
          || attributes.get(AttributeKey.stringKey(key)) != null) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasMetadata(Attributes attributes) {
    boolean[] found = new boolean[1];
    attributes.forEach((k, v) -> found[0] |= k.getKey().startsWith(GenAiKeys.METADATA_PREFIX));
    return found[0];
  }

  /** The attributes with the texts of the call's metadata passed through the export redactor. */
  private Attributes redactMetadata(Attributes attributes) {
    AttributesBuilder b = Attributes.builder();
    attributes.forEach((k, v) -> putUnchecked(b, k, metadataValue(k, v)));
    return b.build();
  }

  /** Metadata are texts the application recorded: the redactor sees them like the content. */
  private Object metadataValue(AttributeKey<?> key, Object value) {
    if (!redactsErrors || !key.getKey().startsWith(GenAiKeys.METADATA_PREFIX)) {
      return value;
    }
    UnaryOperator<String> redact = t -> ErrorTexts.redact(t, capture.redactor());
    if (value instanceof String s) {
      return redact.apply(s);
    }
    if (value instanceof Value<?> v) {
      return JsonTree.toValue(JsonTree.mapStrings(JsonTree.fromValue(v), redact));
    }
    if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String) {
      return list.stream().map(o -> redact.apply((String) o)).toList();
    }
    return value;
  }

  private Attributes filter(Attributes attributes) {
    AttributesBuilder b = Attributes.builder();
    attributes.forEach(
        (k, v) -> {
          if (!isContentKey(k.getKey())) {
            putUnchecked(b, k, metadataValue(k, v));
          }
        });
    boolean truncated = Boolean.TRUE.equals(attributes.get(GenAiKeys.CONTENT_TRUNCATED));
    String label = stricter(attributes.get(GenAiKeys.CONTENT_CAPTURE), capture.label());
    if (capture.mode() != ContentCapture.Mode.NONE) {
      for (String key : GenAiKeys.CONTENT_KEYS) {
        Object tree = tree(attributes, key);
        if (!(tree instanceof List<?>)) {
          continue;
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) tree;
        if (capture.mode() == ContentCapture.Mode.METADATA) {
          strip(
              list,
              GenAiKeys.TOOL_DEFINITIONS.equals(key)
                  ? DEFINITION_KEYS
                  : GenAiKeys.SYSTEM_INSTRUCTIONS.equals(key) ? PART_KEYS : MESSAGE_KEYS);
        } else if (capture.redactor() != UnaryOperator.<String>identity()) {
          redact(list, capture.redactor());
        }
        if (capture.maxBytes() > 0 && ContentTruncator.truncate(list, capture.maxBytes())) {
          truncated = true;
        }
        if (capture.isJsonString()) {
          b.put(AttributeKey.stringKey(key), JsonTree.toJson(list));
        } else {
          b.put(AttributeKey.valueKey(key), JsonTree.toValue(list));
        }
      }
    }
    // Tool arguments and results (structured or JSON strings): kept only with full content,
    // redacted, and as JSON strings cut to the budget when the policy has one or asks for strings.
    if (capture.mode() == ContentCapture.Mode.FULL) {
      for (String key : GenAiKeys.TOOL_CONTENT_KEYS) {
        Value<?> structured = attributes.get(AttributeKey.valueKey(key));
        String text = attributes.get(AttributeKey.stringKey(key));
        if (structured != null && !capture.isJsonString() && capture.maxBytes() == 0) {
          b.put(
              AttributeKey.valueKey(key),
              JsonTree.toValue(
                  JsonTree.mapStrings(
                      JsonTree.fromValue(structured),
                      t -> ErrorTexts.redact(t, capture.redactor()))));
          continue;
        }
        if (structured != null) {
          Object tree = JsonTree.fromValue(structured);
          text = tree instanceof String s ? s : JsonTree.toJson(tree);
        }
        if (text != null) {
          String redacted = ErrorTexts.redact(text, capture.redactor());
          String out =
              capture.maxBytes() > 0
                  ? ContentTruncator.cut(redacted, capture.maxBytes())
                  : redacted;
          truncated |= !out.equals(redacted);
          b.put(AttributeKey.stringKey(key), out);
        }
      }
    }
    b.put(GenAiKeys.CONTENT_CAPTURE, label);
    if (truncated && capture.mode() == ContentCapture.Mode.FULL) {
      b.put(GenAiKeys.CONTENT_TRUNCATED, true);
    } else {
      b.remove(GenAiKeys.CONTENT_TRUNCATED);
    }
    return b.build();
  }

  private static SpanData withoutContent(SpanData span) {
    AttributesBuilder b = Attributes.builder();
    span.getAttributes()
        .forEach(
            (k, v) -> {
              if (!isContentKey(k.getKey())) {
                putUnchecked(b, k, v);
              }
            });
    b.put(GenAiKeys.CONTENT_CAPTURE, "none");
    Attributes filtered = b.build();
    return new DelegatingSpanData(span) {
      @Override
      public Attributes getAttributes() {
        return filtered;
      }
    };
  }

  /** The export cannot add what the span did not record: the stricter label of the two wins. */
  private static String stricter(String recorded, String exported) {
    int r = recorded == null ? STRICTNESS.size() - 1 : STRICTNESS.indexOf(recorded);
    int e = STRICTNESS.indexOf(exported);
    return r >= 0 && r < e ? recorded : exported;
  }

  static boolean isContentKey(String key) {
    // A switch on the (cached) hash: this runs for every attribute of every exported span.
    switch (key) {
      case GenAiKeys.SYSTEM_INSTRUCTIONS,
      GenAiKeys.INPUT_MESSAGES,
      GenAiKeys.OUTPUT_MESSAGES,
      GenAiKeys.TOOL_DEFINITIONS,
      GenAiKeys.TOOL_CALL_ARGUMENTS,
      GenAiKeys.TOOL_CALL_RESULT:
        return true;
      default:
        return false;
    }
  }

  private static Object tree(Attributes a, String key) {
    Value<?> value = a.get(AttributeKey.valueKey(key));
    if (value != null) {
      return value.getType() == io.opentelemetry.api.common.ValueType.STRING
          ? JsonTree.parse((String) value.getValue())
          : JsonTree.fromValue(value);
    }
    String json = a.get(AttributeKey.stringKey(key));
    return json == null ? null : JsonTree.parse(json);
  }

  /** Keeps only the allowed keys of each node, and of each message's parts only part keys. */
  @SuppressWarnings("unchecked")
  private static void strip(List<Object> tree, Set<String> allowed) {
    for (Object node : tree) {
      if (node instanceof Map<?, ?> map) {
        Map<String, Object> m = (Map<String, Object>) map;
        m.keySet().retainAll(allowed);
        if (allowed == MESSAGE_KEYS && m.get("parts") instanceof List<?> parts) {
          strip((List<Object>) parts, PART_KEYS);
        }
      }
    }
  }

  /** Every string that is not structure goes through the redactor, however deep. */
  @SuppressWarnings("unchecked")
  private static Object redactNode(Object node, UnaryOperator<String> redactor) {
    if (node instanceof String s) {
      return redactor.apply(s);
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        if (!STRUCTURAL_KEYS.contains(e.getKey())) {
          e.setValue(redactNode(e.getValue(), redactor));
        } else if (e.getValue() instanceof List<?> || e.getValue() instanceof Map<?, ?>) {
          e.setValue(redactNode(e.getValue(), redactor));
        }
      }
      return node;
    }
    if (node instanceof List<?> list) {
      List<Object> l = (List<Object>) list;
      for (int i = 0; i < l.size(); i++) {
        l.set(i, redactNode(l.get(i), redactor));
      }
      return node;
    }
    return node;
  }

  private static void redact(List<Object> tree, UnaryOperator<String> redactor) {
    redactNode(tree, redactor);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void putUnchecked(AttributesBuilder b, AttributeKey<?> key, Object value) {
    b.put((AttributeKey) key, value);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "ContentPolicyExporter{" + capture + ", " + delegate + "}";
  }
}
