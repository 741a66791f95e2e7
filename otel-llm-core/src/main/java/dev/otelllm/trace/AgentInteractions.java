package dev.otelllm.trace;

import dev.otelllm.internal.BufferBridge;
import dev.otelllm.internal.HexIds;
import dev.otelllm.internal.InteractionForm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.RuntimeMBeanException;

/**
 * The interactions kept inside the OpenTelemetry Java agent, read from the application.
 *
 * <p>Under the agent, the SDK, the agent's own instrumentations (the official openai-java one, for
 * instance) and {@code otel-llm-agent-extension} live in the agent's class loader: the application
 * cannot reach their objects, and a {@link TraceBuffer} it makes itself is not fed by them. The
 * extension gives the agent's SDK a buffer of its own (spans and the log records that carry their
 * content) and publishes it in the JVM; this class finds it and answers the same queries as {@link
 * TraceBuffer}, with the same results: every field of each {@link Interaction}, content included.
 * Nothing is published beyond the JVM: the buffer is in an MBean server of its own, which no JMX
 * connector serves.
 *
 * <pre>{@code
 * AgentInteractions agent = AgentInteractions.require();   // or find(), an Optional
 * List<Interaction> all = agent.getTraces();
 * List<Interaction> mine = agent.getTraces(TraceQuery.session("s-42"));
 * }</pre>
 *
 * <p>Thread-safe. Each call copies the matching interactions out of the agent's buffer on the
 * calling thread, in time proportional to the result; it does no I/O.
 */
public final class AgentInteractions {

  private static final String AGENT_MAIN_CLASS = "io.opentelemetry.javaagent.OpenTelemetryAgent";

  private final MBeanServer server;

  private AgentInteractions(MBeanServer server) {
    this.server = server;
  }

  /**
   * The agent's interactions, or empty when no buffer is published in this JVM: no Java agent, an
   * agent without {@code otel-llm-agent-extension}, or the extension with {@code
   * otel.llm.max.interactions=0}. {@link #require()} says which.
   */
  public static Optional<AgentInteractions> find() {
    MBeanServer server = BufferBridge.find();
    return server == null ? Optional.empty() : Optional.of(new AgentInteractions(server));
  }

  /**
   * The agent's interactions.
   *
   * @throws IllegalStateException when no buffer is published in this JVM, with a message that says
   *     what is missing
   */
  public static AgentInteractions require() {
    return find().orElseThrow(() -> new IllegalStateException(missing()));
  }

  private static String missing() {
    boolean agent;
    try {
      Class.forName(AGENT_MAIN_CLASS, false, ClassLoader.getSystemClassLoader());
      agent = true;
    } catch (ClassNotFoundException | LinkageError e) {
      agent = false;
    }
    return agent
        ? "no otel-llm interaction buffer in this JVM: the OpenTelemetry Java agent runs without"
            + " the otel-llm extension (add -Dotel.javaagent.extensions=otel-llm-agent-extension.jar)"
            + " or with otel.llm.max.interactions=0"
        : "no otel-llm interaction buffer in this JVM: it runs without the OpenTelemetry Java agent"
            + " (start it with -javaagent:opentelemetry-javaagent.jar"
            + " -Dotel.javaagent.extensions=otel-llm-agent-extension.jar)";
  }

  /** Every interaction the agent's buffer keeps, oldest first. */
  public List<Interaction> getTraces() {
    return getTraces(TraceQuery.all());
  }

  /**
   * The kept interactions that match, oldest first, as {@link TraceBuffer#getTraces(TraceQuery)}
   * answers. Conditions on ids, session, metadata and errors are applied inside the agent; a
   * predicate ({@link TraceQuery#where}) runs here, on what they select, and {@link
   * TraceQuery#andLast} after it.
   *
   * @throws IllegalStateException when the agent's buffer cannot answer (withdrawn, or from an
   *     otel-llm version that reads other queries)
   */
  public List<Interaction> getTraces(TraceQuery query) {
    Objects.requireNonNull(query, "query");
    List<Interaction> traces = fetch(toForm(query));
    if (!query.hasPredicate()) {
      return traces;
    }
    List<Interaction> out = new ArrayList<>(traces.size());
    for (Interaction t : traces) {
      if (query.matches(t)) {
        out.add(t);
      }
    }
    int last = query.lastOrNone();
    if (last >= 0 && out.size() > last) {
      out = out.subList(out.size() - last, out.size());
    }
    return Collections.unmodifiableList(out);
  }

  /** The interaction with this span id, if the agent's buffer still keeps it. */
  public Optional<Interaction> getInteraction(String spanId) {
    Objects.requireNonNull(spanId, "spanId");
    if (!HexIds.isHex(spanId, 16)) {
      return Optional.empty();
    }
    List<Interaction> one = getTraces(TraceQuery.spanId(spanId));
    return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
  }

  /** The newest {@code n} interactions, oldest first. */
  public List<Interaction> last(int n) {
    return getTraces(TraceQuery.last(n));
  }

  private static Map<String, Object> toForm(TraceQuery q) {
    Map<String, Object> form = new LinkedHashMap<>(8);
    putIfSet(form, BufferBridge.TRACE_ID, q.traceIdOrNull());
    putIfSet(form, BufferBridge.SPAN_ID, q.spanIdOrNull());
    putIfSet(form, BufferBridge.SESSION_ID, q.sessionIdOrNull());
    if (q.metadataKeyOrNull() != null) {
      form.put(BufferBridge.METADATA_KEY, q.metadataKeyOrNull());
      form.put(BufferBridge.METADATA_VALUE, q.metadataValueOrNull());
    }
    if (q.errorsOnlyCondition()) {
      form.put(BufferBridge.ERRORS_ONLY, true);
    }
    // With a predicate, the newest n are counted among what it accepts, so here.
    if (q.lastOrNone() >= 0 && !q.hasPredicate()) {
      form.put(BufferBridge.LAST, q.lastOrNone());
    }
    return form;
  }

  private static void putIfSet(Map<String, Object> form, String key, String value) {
    if (value != null) {
      form.put(key, value);
    }
  }

  private List<Interaction> fetch(Map<String, Object> query) {
    Object answer;
    try {
      answer =
          server.invoke(
              BufferBridge.NAME,
              BufferBridge.OPERATION,
              new Object[] {query},
              BufferBridge.SIGNATURE);
    } catch (RuntimeMBeanException e) {
      throw new IllegalStateException(
          "the agent's interaction buffer refused the query: " + e.getCause().getMessage(),
          e.getCause());
    } catch (JMException | RuntimeException e) {
      throw new IllegalStateException("cannot read the agent's interaction buffer: " + e, e);
    }
    if (!(answer instanceof Map<?, ?> m)
        || !(m.get(BufferBridge.VERSION_KEY) instanceof Number version)
        || !(m.get(BufferBridge.ITEMS_KEY) instanceof List<?> items)) {
      throw new IllegalStateException("the agent's interaction buffer answered " + answer);
    }
    if (version.longValue() != BufferBridge.VERSION) {
      throw new IllegalStateException(
          "the agent's interaction buffer writes form version "
              + version
              + ", this otel-llm reads "
              + BufferBridge.VERSION
              + ": use the same otel-llm version for the application and the agent extension");
    }
    List<Interaction> out = new ArrayList<>(items.size());
    for (Object item : items) {
      if (!(item instanceof Map<?, ?> form)) {
        throw new IllegalStateException("the agent's interaction buffer answered " + item);
      }
      try {
        out.add(InteractionForm.fromMap(form));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "the agent's interaction buffer answered an interaction this otel-llm cannot read: "
                + e.getMessage(),
            e);
      }
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public String toString() {
    return "AgentInteractions{" + BufferBridge.NAME + "}";
  }
}
