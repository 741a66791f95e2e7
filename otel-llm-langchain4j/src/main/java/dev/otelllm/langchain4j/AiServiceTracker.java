package dev.otelllm.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.Result;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.ProviderInfo;
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
import java.util.function.LongSupplier;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;

/**
 * What an AI service invocation tells the listener that a model call alone cannot: the invocation
 * itself (its {@code invoke_agent} span, the parent of every span of the invocation, also of model
 * calls and tool executions LangChain4j runs on other threads, as a streaming service does), its
 * chat-memory id (the session id of its spans), and its tool executions.
 *
 * <p>LangChain4j fires {@code AiServiceStartedEvent} on the thread that invoked the service, so the
 * agent span's parent is that thread's context; the completed or error event ends it, on the
 * caller's thread for a synchronous service and on the stream's thread for a {@code TokenStream}.
 * {@code AiServiceRequestIssuedEvent} comes on the thread that calls the model, just before the
 * call; the listener's {@code onRequest} follows on that thread. The event leaves a handoff in a
 * one-slot thread local that {@code onRequest} takes when the request's last message is the event's
 * (the model copies the list, not the messages), so a handoff never reaches another call.
 *
 * <p>The per-invocation state lives from the started event to the completed or error event, bounded
 * in number: when the bound is reached, invocations older than the stale age (a token stream never
 * started, an error LangChain4j was told to ignore) end with {@code error.type=incomplete} and go;
 * if none is that old, a new invocation is not tracked and its spans have the current context as
 * parent. Thread-safe.
 */
final class AiServiceTracker {

  /** What {@code onRequest} needs from the invocation: parent context and metadata. */
  record Handoff(ChatMessage lastMessage, Context parent, Map<String, Object> metadata) {}

  /** LangChain4j's memory id of a service without {@code @MemoryId}: no session of its own. */
  private static final String DEFAULT_MEMORY_ID = "default";

  static final int MAX_INVOCATIONS = 10_000;
  static final long STALE_NANOS = 10L * 60 * 1_000_000_000L;

  private final ListenerSpans spans;
  private final String providerName;
  private final int maxInvocations;
  private final long staleNanos;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<UUID, Invocation> invocations = new ConcurrentHashMap<>();
  private final ThreadLocal<Handoff> handoff = new ThreadLocal<>();
  // Ids of invocations dropped as stale, so that their late end starts nothing; the newest
  // maxInvocations of them.
  private final Map<UUID, Boolean> swept =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
              return size() > maxInvocations;
            }
          });
  // Tool spans of invocations that are not tracked (past the bound, or without an id), until their
  // end is reported.
  // By the request's identity, not its value: two invocations may ask for the same tool with the
  // same arguments. Bounded: past maxInvocations the oldest is ended (its end was never reported).
  private final Map<ToolKey, ListenerSpans.Tool> untrackedTools =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ToolKey, ListenerSpans.Tool> eldest) {
              if (size() > maxInvocations) {
                eldest.getValue().end();
                return true;
              }
              return false;
            }
          });

  /** A tool request by identity. */
  private record ToolKey(ToolExecutionRequest request) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ToolKey k && k.request == request;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(request);
    }
  }

  /**
   * @param providerName {@code gen_ai.provider.name} of the agent spans, empty for the one of the
   *     service's model
   * @param maxInvocations the bound of invocations tracked at once
   * @param staleNanos the age after which an invocation that never ended may be dropped
   */
  AiServiceTracker(
      ListenerSpans spans,
      String providerName,
      int maxInvocations,
      long staleNanos,
      LongSupplier nanoClock) {
    this.spans = spans;
    this.providerName = providerName;
    this.maxInvocations = maxInvocations;
    this.staleNanos = staleNanos;
    this.nanoClock = nanoClock;
  }

  /** Invocations tracked now; for tests. */
  int tracked() {
    return invocations.size();
  }

  /**
   * The invocation started, on the thread that invoked the service: its agent span starts, under
   * that thread's context with the memory id as session.
   */
  void started(InvocationContext ic, @Nullable SystemMessage system, @Nullable UserMessage user) {
    UUID id = ic.invocationId();
    if (id == null || invocations.containsKey(id) || !hasRoom()) {
      return;
    }
    invocations.computeIfAbsent(id, k -> startInvocation(ic, system, user));
  }

  /** The invocation completed: its agent span ends with the result as output content. */
  void completed(InvocationContext ic, @Nullable Object result) {
    Invocation inv = release(ic);
    if (inv == null && ic.invocationId() != null) {
      swept.remove(ic.invocationId());
    }
    if (inv != null && inv.agent != null) {
      inv.agent.succeed(output(result));
    }
  }

  /**
   * The invocation failed: its agent span ends with the error. An invocation that failed before it
   * started (a template that could not be filled) gets an agent span that starts and fails now.
   */
  void failed(InvocationContext ic, Throwable error) {
    Invocation inv = release(ic);
    if (inv == null && ic.invocationId() != null && swept.remove(ic.invocationId()) != null) {
      // Its agent span already ended as incomplete: a late error must not start a second one.
      return;
    }
    ListenerSpans.Agent agent = inv != null ? inv.agent : startInvocation(ic, null, null).agent;
    if (agent != null) {
      agent.fail(error, ChatConversion.errorType(error));
    }
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
    UUID id = ic.invocationId();
    if (id == null || invocations.get(id) != inv) {
      // An invocation past the bound is not tracked: its tools wait here for their end instead,
      // bounded too (a tool span beyond it ends at once rather than never).
      ListenerSpans.Tool stale = untrackedTools.put(new ToolKey(request), tool);
      if (stale != null) {
        stale.end();
      }
      return;
    }
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
      tool = untrackedTools.remove(new ToolKey(request));
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

  /** The invocation ended: its state goes, a tool span still open ends failed. */
  private @Nullable Invocation release(InvocationContext ic) {
    Handoff h = handoff.get();
    if (h != null) {
      handoff.remove();
    }
    Invocation inv = ic.invocationId() == null ? null : invocations.remove(ic.invocationId());
    if (inv != null) {
      inv.endOpenTools();
    }
    return inv;
  }

  /** The invocation of a model request or tool call, tracked from here on if it was not yet. */
  private Invocation invocation(InvocationContext ic) {
    UUID id = ic.invocationId();
    if (id == null) {
      return newInvocation(ic);
    }
    Invocation inv = invocations.get(id);
    if (inv != null) {
      return inv;
    }
    if (!hasRoom()) {
      return newInvocation(ic);
    }
    return invocations.computeIfAbsent(id, k -> newInvocation(ic));
  }

  /** True when one more invocation may be tracked, after dropping stale ones if needed. */
  private boolean hasRoom() {
    if (invocations.size() < maxInvocations) {
      return true;
    }
    sweep();
    if (invocations.size() < maxInvocations) {
      return true;
    }
    OtelLlmListener.failures.log(
        Level.WARNING,
        "more than "
            + maxInvocations
            + " AI service invocations in flight; a new one has no invoke_agent span and its"
            + " spans have the current context as parent",
        null);
    return false;
  }

  /** Drops invocations that never completed (a token stream never started, a lost answer). */
  private void sweep() {
    long now = nanoClock.getAsLong();
    for (Map.Entry<UUID, Invocation> e : invocations.entrySet()) {
      Invocation inv = e.getValue();
      if (now - inv.created > staleNanos && invocations.remove(e.getKey(), inv)) {
        swept.put(e.getKey(), Boolean.TRUE);
        inv.endOpenTools();
        if (inv.agent != null) {
          inv.agent.fail("incomplete", "the AI service invocation never reported its end");
        }
      }
    }
  }

  private Invocation startInvocation(
      InvocationContext ic, @Nullable SystemMessage system, @Nullable UserMessage user) {
    Context parent = sessionContext(Context.current(), ic);
    Map<String, Object> metadata = metadata(ic);
    ListenerSpans.Agent agent =
        spans.startAgent(parent, agentName(ic), providerInfo(ic), input(system, user, metadata));
    return new Invocation(agent.context(), metadata, agent, nanoClock.getAsLong());
  }

  /** An invocation without an agent span (its started event was missed): the caller's context. */
  private Invocation newInvocation(InvocationContext ic) {
    return new Invocation(
        sessionContext(Context.current(), ic), metadata(ic), null, nanoClock.getAsLong());
  }

  private static Context sessionContext(Context parent, InvocationContext ic) {
    String session = sessionId(ic.chatMemoryId());
    if (session == null) {
      return parent;
    }
    Baggage baggage =
        Baggage.fromContext(parent).toBuilder()
            .put(SessionBaggageSpanProcessor.SESSION_ID, session)
            .put(SessionBaggageSpanProcessor.CONVERSATION_ID, session)
            .build();
    return parent.with(baggage);
  }

  private static Map<String, Object> metadata(InvocationContext ic) {
    Map<String, Object> metadata = new LinkedHashMap<>(4);
    if (ic.interfaceName() != null && ic.methodName() != null) {
      metadata.put("ai_service", simpleName(ic.interfaceName()) + "." + ic.methodName());
    }
    if (ic.invocationId() != null) {
      metadata.put("ai_service_invocation_id", ic.invocationId().toString());
    }
    return Collections.unmodifiableMap(metadata);
  }

  /**
   * The AI service interface's simple name: the service is the agent, its methods are what it is
   * asked to do (in the {@code ai_service} metadata).
   */
  private static String agentName(InvocationContext ic) {
    return ic.interfaceName() == null ? "ai_service" : simpleName(ic.interfaceName());
  }

  private ProviderInfo providerInfo(InvocationContext ic) {
    String provider =
        providerName.isEmpty() ? OtelLlmListener.providerName(ic.modelProvider()) : providerName;
    ChatRequestParameters defaults = ic.defaultRequestParameters();
    String model = defaults == null || defaults.modelName() == null ? "" : defaults.modelName();
    return new ProviderInfo(provider, model, "", -1, false);
  }

  /** What the service was asked: its system message and user message (content), its metadata. */
  private static @Nullable LlmRequest input(
      @Nullable SystemMessage system, @Nullable UserMessage user, Map<String, Object> metadata) {
    if (user == null) {
      return null;
    }
    LlmRequest.Builder b = LlmRequest.builder().message(ChatConversion.message(user));
    if (system != null && system.text() != null) {
      b.systemPrompt(system.text());
    }
    return b.metadata(metadata).build();
  }

  /**
   * The invocation's answer as output content: a text result, or the text of the answer message (a
   * streaming service's {@code ChatResponse}, a {@code Result}); none for a structured result.
   */
  static @Nullable LlmResponse output(@Nullable Object result) {
    Object r = result instanceof Result<?> wrapped ? wrapped.content() : result;
    if (r instanceof ChatResponse response) {
      r = response.aiMessage();
    }
    String text;
    if (r instanceof String s) {
      text = s;
    } else if (r instanceof AiMessage message && message.text() != null) {
      text = message.text();
    } else {
      return null;
    }
    return LlmResponse.builder().content(text).build();
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
    /** The parent of the invocation's spans: its agent span's context, or the caller's. */
    final Context parent;

    final Map<String, Object> metadata;
    final ListenerSpans.@Nullable Agent agent;
    final long created;
    // By identity: LangChain4j hands the same request object to the before and after hooks, while
    // two calls of one round may be equal.
    final Map<ToolExecutionRequest, ListenerSpans.Tool> tools = new IdentityHashMap<>(4);

    Invocation(
        Context parent,
        Map<String, Object> metadata,
        ListenerSpans.@Nullable Agent agent,
        long created) {
      this.parent = parent;
      this.metadata = metadata;
      this.agent = agent;
      this.created = created;
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
