package dev.otelllm.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.otelllm.internal.ListenerSpans;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;

/**
 * What an AI service invocation tells the listener that a model call alone cannot: its chat-memory
 * id (the session id of its spans), the context of the thread that invoked it (the parent of every
 * span of the invocation, also of model calls and tool executions LangChain4j runs on other
 * threads, as a streaming service does), and its tool executions.
 *
 * <p>LangChain4j fires {@code AiServiceRequestIssuedEvent} on the thread that calls the model, just
 * before the call; the listener's {@code onRequest} follows on that thread. The event leaves a
 * handoff in a one-slot thread local that {@code onRequest} takes when the request's last message
 * is the event's (the model copies the list, not the messages), so a handoff never reaches another
 * call. The per-invocation state lives from the first model request to the invocation's completed
 * or error event, bounded in number. Thread-safe.
 */
final class AiServiceTracker {

  /** What {@code onRequest} needs from the invocation: parent context and metadata. */
  record Handoff(ChatMessage lastMessage, Context parent, Map<String, Object> metadata) {}

  /** LangChain4j's memory id of a service without {@code @MemoryId}: no session of its own. */
  private static final String DEFAULT_MEMORY_ID = "default";

  static final int MAX_INVOCATIONS = 10_000;
  private static final long STALE_NANOS = 10L * 60 * 1_000_000_000L;

  private final ListenerSpans spans;
  private final ConcurrentHashMap<UUID, Invocation> invocations = new ConcurrentHashMap<>();
  private final ThreadLocal<Handoff> handoff = new ThreadLocal<>();

  AiServiceTracker(ListenerSpans spans) {
    this.spans = spans;
  }

  /** Invocations tracked now; for tests. */
  int tracked() {
    return invocations.size();
  }

  /** Before the invocation's model is called, on the thread that calls it. */
  void requestIssued(InvocationContext ic, ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    if (messages == null || messages.isEmpty()) {
      return;
    }
    Invocation inv = invocation(ic);
    handoff.set(new Handoff(messages.get(messages.size() - 1), inv.parent, inv.metadata));
  }

  /** The handoff for this model request, if the invocation just left one on this thread. */
  @Nullable Handoff take(ChatRequest request) {
    Handoff h = handoff.get();
    if (h == null) {
      return null;
    }
    handoff.remove();
    List<ChatMessage> messages = request.messages();
    return !messages.isEmpty() && messages.get(messages.size() - 1) == h.lastMessage() ? h : null;
  }

  /** Before a tool runs, on the thread that runs it. */
  void toolStarted(InvocationContext ic, ToolExecutionRequest request) {
    Invocation inv = invocation(ic);
    ListenerSpans.Tool tool = spans.startTool(inv.parent, ChatConversion.toolCall(request), null);
    Object previous;
    synchronized (inv.tools) {
      previous = inv.tools.put(request, tool);
    }
    if (previous instanceof ListenerSpans.Tool stale) {
      stale.end();
    }
  }

  /** After a tool ran, on the thread that ran it. */
  void toolFinished(
      @Nullable InvocationContext ic,
      ToolExecutionRequest request,
      boolean failed,
      @Nullable String result) {
    Invocation inv = ic == null ? null : invocations.get(ic.invocationId());
    ListenerSpans.Tool tool = null;
    if (inv != null) {
      synchronized (inv.tools) {
        tool = inv.tools.remove(request);
      }
    }
    if (tool == null) {
      return;
    }
    if (failed) {
      tool.fail("tool_error", result);
    } else {
      tool.result(result);
    }
    tool.end();
  }

  /** The invocation completed or failed: its state goes, a tool span still open ends failed. */
  void finished(InvocationContext ic) {
    Handoff h = handoff.get();
    if (h != null) {
      handoff.remove();
    }
    Invocation inv = invocations.remove(ic.invocationId());
    if (inv != null) {
      inv.endOpenTools();
    }
  }

  private Invocation invocation(InvocationContext ic) {
    UUID id = ic.invocationId();
    if (id == null) {
      return newInvocation(ic);
    }
    Invocation inv = invocations.get(id);
    if (inv != null) {
      return inv;
    }
    if (invocations.size() >= MAX_INVOCATIONS) {
      sweep();
      if (invocations.size() >= MAX_INVOCATIONS) {
        OtelLlmListener.failures.log(
            Level.WARNING,
            "more than "
                + MAX_INVOCATIONS
                + " AI service invocations in flight; this one's spans have the current context"
                + " as parent",
            null);
        return newInvocation(ic);
      }
    }
    return invocations.computeIfAbsent(id, k -> newInvocation(ic));
  }

  /** Drops invocations that never completed (a token stream never started, a lost answer). */
  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<UUID, Invocation> e : invocations.entrySet()) {
      if (now - e.getValue().created > STALE_NANOS
          && invocations.remove(e.getKey(), e.getValue())) {
        e.getValue().endOpenTools();
      }
    }
  }

  private static Invocation newInvocation(InvocationContext ic) {
    Context parent = Context.current();
    String session = sessionId(ic.chatMemoryId());
    if (session != null) {
      Baggage baggage =
          Baggage.fromContext(parent).toBuilder()
              .put(SessionBaggageSpanProcessor.SESSION_ID, session)
              .put(SessionBaggageSpanProcessor.CONVERSATION_ID, session)
              .build();
      parent = parent.with(baggage);
    }
    Map<String, Object> metadata = new LinkedHashMap<>(4);
    if (ic.interfaceName() != null && ic.methodName() != null) {
      metadata.put("ai_service", simpleName(ic.interfaceName()) + "." + ic.methodName());
    }
    if (ic.invocationId() != null) {
      metadata.put("ai_service_invocation_id", ic.invocationId().toString());
    }
    return new Invocation(parent, Collections.unmodifiableMap(metadata));
  }

  /**
   * The memory id as a session id: none for LangChain4j's default id, and none for an id too long
   * to travel in baggage (it goes into outgoing HTTP headers).
   */
  static @Nullable String sessionId(@Nullable Object memoryId) {
    if (memoryId == null) {
      return null;
    }
    String id = memoryId.toString();
    if (id.isEmpty() || id.length() > 256 || id.equals(DEFAULT_MEMORY_ID)) {
      return null;
    }
    return id;
  }

  private static String simpleName(String className) {
    int cut = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
    return className.substring(cut + 1);
  }

  /** One AI service invocation in flight. */
  private static final class Invocation {
    final Context parent;
    final Map<String, Object> metadata;
    final long created = System.nanoTime();
    // By identity: LangChain4j hands the same request object to the before and after hooks, while
    // two calls of one round may be equal.
    final Map<ToolExecutionRequest, ListenerSpans.Tool> tools = new IdentityHashMap<>(4);

    Invocation(Context parent, Map<String, Object> metadata) {
      this.parent = parent;
      this.metadata = metadata;
    }

    void endOpenTools() {
      List<ListenerSpans.Tool> open;
      synchronized (tools) {
        open = new ArrayList<>(tools.values());
        tools.clear();
      }
      for (ListenerSpans.Tool t : open) {
        t.fail("incomplete", "the AI service invocation ended before the tool reported a result");
        t.end();
      }
    }
  }
}
