package dev.otelllm;

import dev.otelllm.internal.JsonTree;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A conversation with a model: an id, a system prompt, and a history that is sent with every turn.
 *
 * <p>Each turn runs with the session id in OpenTelemetry baggage ({@code session.id}, and {@code
 * gen_ai.conversation.id} when the application chose the id), so its span, and any span other
 * instrumentation starts in that context, carries the id. Its interaction history is what the
 * client's {@link TraceBuffer} holds for that id: the newest {@link Builder#maxHistory} of {@code
 * TraceQuery.session(id())}, never another list. With tracing on, an open session is retained by
 * the buffer ({@link TraceBuffer#retainSession}), which keeps its newest {@link Builder#maxHistory}
 * interactions (default {@value #DEFAULT_MAX_HISTORY}) after other traffic pushed them out of the
 * ring, within the buffer's bounds on retained sessions and bytes. {@link #close()} releases them;
 * a session never closed is forgotten once the buffer retains {@code maxSessions} newer ones.
 * Sessions that share an id share one history.
 *
 * <p>A failed turn is traced but leaves the conversation history unchanged, so a retry sends the
 * same context. Thread-safe: concurrent turns are allowed, each sees the history as it was when it
 * started; no lock is held while the model answers.
 */
public final class Session implements AutoCloseable {

  /**
   * Interactions a session keeps by default: a long conversation fits, and a server that opens a
   * session per request and never closes it holds at most this many for each of the buffer's {@code
   * maxSessions} most recently active sessions.
   */
  public static final int DEFAULT_MAX_HISTORY = 1000;

  /** Metadata key of the step type argument. */
  public static final String STEP_TYPE = "step_type";

  /** Metadata key of the attempt number argument. */
  public static final String ATTEMPT_NUMBER = "attempt_number";

  private final LlmClient client;
  private final String id;
  private final boolean idGiven;
  private final String systemPrompt;
  private final GenerationParams defaultParams;
  private final Map<String, Object> defaultMetadata;
  private final int maxHistory;
  // Null with tracing off.
  private final @Nullable TraceBuffer buffer;
  private final TraceBuffer.@Nullable SessionHold hold;
  private final Baggage baggageEntries;

  private final Object lock = new Object();
  // Guarded by lock.
  private final List<Message> history = new ArrayList<>();

  private Session(Builder b) {
    this.client = b.client;
    this.idGiven = b.id != null;
    this.id = idGiven ? b.id : UUID.randomUUID().toString();
    this.systemPrompt = b.systemPrompt;
    this.defaultParams = b.defaultParams;
    this.defaultMetadata = new LinkedHashMap<>(b.defaultMetadata);
    this.maxHistory = b.maxHistory;
    this.buffer = client.traceBuffer().orElse(null);
    // A session that keeps no history takes none of the buffer's retained-session places.
    this.hold = buffer == null || maxHistory == 0 ? null : buffer.retainSession(id, maxHistory);
    var baggage = Baggage.builder().put(SessionBaggageSpanProcessor.SESSION_ID, id);
    if (idGiven) {
      baggage.put(SessionBaggageSpanProcessor.CONVERSATION_ID, id);
    }
    this.baggageEntries = baggage.build();
  }

  static Builder builder(LlmClient client) {
    return new Builder(client);
  }

  public String id() {
    return id;
  }

  public Optional<String> systemPrompt() {
    return Optional.ofNullable(systemPrompt);
  }

  /** The conversation so far (user, assistant and tool messages), oldest first. */
  public List<Message> history() {
    synchronized (lock) {
      return List.copyOf(history);
    }
  }

  /** Forgets the conversation (the recorded interactions stay). */
  public void clearHistory() {
    synchronized (lock) {
      history.clear();
    }
  }

  /** Step type of a turn that names none, as the reference records it. */
  public static final String DEFAULT_STEP_TYPE = "chat";

  /** One turn: step type {@value #DEFAULT_STEP_TYPE}, attempt 1. */
  public LlmResponse generate(String prompt) {
    return generate(prompt, null, 0, GenerationParams.none(), Map.of());
  }

  /** One turn of a workflow step; {@code attemptNumber} counts retries of the step from 1. */
  public LlmResponse generate(String prompt, String stepType, int attemptNumber) {
    return generate(prompt, stepType, attemptNumber, GenerationParams.none(), Map.of());
  }

  /**
   * One turn with everything: the step type and attempt number become the {@code step_type} and
   * {@code attempt_number} metadata ({@value #DEFAULT_STEP_TYPE} and 1 when null / 0), {@code
   * params} override the session's defaults, and {@code metadata} is added to the session's default
   * metadata.
   */
  public LlmResponse generate(
      String prompt,
      String stepType,
      int attemptNumber,
      GenerationParams params,
      Map<String, ?> metadata) {
    LlmRequest request = turn(prompt, stepType, attemptNumber, params, metadata);
    return send(request, null, request.messages().get(request.messages().size() - 1));
  }

  /**
   * One streamed turn: {@code onChunk} gets the answer's text as it comes, on whatever thread
   * delivers it, with this session's context (its id in the baggage). Recorded like {@link
   * #generate(String)}: step type {@value #DEFAULT_STEP_TYPE}, attempt 1, in this session's
   * history.
   */
  public LlmResponse stream(String prompt, Consumer<String> onChunk) {
    return stream(prompt, null, 0, GenerationParams.none(), Map.of(), onChunk);
  }

  /**
   * One streamed turn with everything, as {@link #generate(String, String, int, GenerationParams,
   * Map)}.
   */
  public LlmResponse stream(
      String prompt,
      String stepType,
      int attemptNumber,
      GenerationParams params,
      Map<String, ?> metadata,
      Consumer<String> onChunk) {
    Objects.requireNonNull(onChunk, "onChunk");
    LlmRequest request = turn(prompt, stepType, attemptNumber, params, metadata);
    return send(request, onChunk, request.messages().get(request.messages().size() - 1));
  }

  private LlmRequest turn(
      String prompt,
      String stepType,
      int attemptNumber,
      GenerationParams params,
      Map<String, ?> metadata) {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(metadata, "metadata");
    if (attemptNumber < 0) {
      throw new IllegalArgumentException("attemptNumber must be >= 0, was " + attemptNumber);
    }
    LlmRequest.Builder request =
        LlmRequest.builder()
            .params(params.equals(GenerationParams.none()) ? defaultParams : params)
            .metadata(STEP_TYPE, DEFAULT_STEP_TYPE)
            .metadata(ATTEMPT_NUMBER, 1)
            .metadata(defaultMetadata);
    if (systemPrompt != null) {
      request.systemPrompt(systemPrompt);
    }
    if (stepType != null) {
      request.metadata(STEP_TYPE, stepType);
    }
    if (attemptNumber > 0) {
      request.metadata(ATTEMPT_NUMBER, attemptNumber);
    }
    request.metadata(metadata);
    synchronized (lock) {
      request.messages(history);
    }
    request.message(Message.user(prompt));
    return request.build();
  }

  /**
   * One turn with a request built by the caller; the session adds its system prompt, history and
   * default metadata ({@code step_type} {@value #DEFAULT_STEP_TYPE} and {@code attempt_number} 1
   * unless the request names them).
   */
  public LlmResponse generate(LlmRequest turn) {
    return send(turn(turn), null, turn.messages().toArray(new Message[0]));
  }

  /** One streamed turn with a request built by the caller, as {@link #generate(LlmRequest)}. */
  public LlmResponse stream(LlmRequest turn, Consumer<String> onChunk) {
    Objects.requireNonNull(onChunk, "onChunk");
    return send(turn(turn), onChunk, turn.messages().toArray(new Message[0]));
  }

  private LlmRequest turn(LlmRequest turn) {
    Objects.requireNonNull(turn, "turn");
    LlmRequest.Builder request =
        LlmRequest.builder()
            .params(turn.params().equals(GenerationParams.none()) ? defaultParams : turn.params())
            .metadata(STEP_TYPE, DEFAULT_STEP_TYPE)
            .metadata(ATTEMPT_NUMBER, 1)
            .metadata(defaultMetadata)
            .metadata(turn.metadata())
            .tools(turn.tools());
    turn.model().ifPresent(request::model);
    Optional<String> system = turn.systemPrompt().or(this::systemPrompt);
    system.ifPresent(request::systemPrompt);
    synchronized (lock) {
      request.messages(history);
    }
    request.messages(turn.messages());
    return request.build();
  }

  /**
   * Makes this session current on this thread until the scope is closed: calls made meanwhile by
   * other clients (the official OpenTelemetry instrumentation, LangChain4j, Spring AI) carry its id
   * in their spans (baggage) and land in {@link #getInteractionHistory()}, as this session's own
   * turns do. The conversation history it sends is not changed by them. Close the scope on the same
   * thread, in try-with-resources:
   *
   * <pre>{@code
   * try (Scope ignored = session.makeCurrent()) {
   *   openAiClient.chat().completions().create(params);
   * }
   * }</pre>
   */
  public Scope makeCurrent() {
    return context().makeCurrent();
  }

  /** The current context with this session's baggage in it. */
  private Context context() {
    var builder = Baggage.current().toBuilder();
    baggageEntries.forEach((key, entry) -> builder.put(key, entry.getValue(), entry.getMetadata()));
    return Context.current().with(builder.build());
  }

  private LlmResponse send(LlmRequest request, Consumer<String> onChunk, Message... sent) {
    LlmResponse response;
    Context context = context();
    try (Scope ignored = context.makeCurrent()) {
      response = onChunk == null ? client.generate(request) : client.stream(request, onChunk);
    }
    synchronized (lock) {
      history.addAll(List.of(sent));
      history.add(response.message());
    }
    return response;
  }

  /**
   * This session's interactions, oldest first: the newest {@link Builder#maxHistory} of those the
   * client's buffer holds with this session's id (its own turns, and calls made by other clients
   * under {@link #makeCurrent()}); empty with tracing off. After {@link #close()}, only those still
   * in the buffer's ring.
   */
  public List<Interaction> getInteractionHistory() {
    return buffer == null
        ? List.of()
        : buffer.getTraces(TraceQuery.session(id).andLast(maxHistory));
  }

  /** {@link #getInteractionHistory()} in the reference's plain-map form. */
  public List<Map<String, Object>> getInteractionHistoryMaps() {
    List<Interaction> traces = getInteractionHistory();
    List<Map<String, Object>> out = new ArrayList<>(traces.size());
    for (Interaction t : traces) {
      out.add(t.toMap());
    }
    return out;
  }

  /**
   * Releases this session's hold on its history: interactions outside the buffer's ring are dropped
   * unless another open session with the same id still holds it. Idempotent.
   */
  @Override
  public void close() {
    if (hold != null) {
      hold.close();
    }
  }

  /** Builds a {@link Session}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final LlmClient client;
    private String id;
    private String systemPrompt;
    private int maxHistory = DEFAULT_MAX_HISTORY;
    private GenerationParams defaultParams = GenerationParams.none();
    private final Map<String, Object> defaultMetadata = new LinkedHashMap<>();

    private Builder(LlmClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * The session id; default a random UUID. Baggage travels in HTTP headers: keep it short and
     * free of secrets (at most 256 printable ASCII characters, no spaces, commas, semicolons or
     * backslashes).
     */
    public Builder id(String id) {
      Objects.requireNonNull(id, "id");
      if (id.isEmpty() || id.length() > 256) {
        throw new IllegalArgumentException(
            "session id must be 1..256 characters, was " + id.length());
      }
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';' || c == '\\' || c == '"') {
          throw new IllegalArgumentException(
              "session id must be printable ASCII without spaces, commas, semicolons, quotes or backslashes: "
                  + id);
        }
      }
      this.id = id;
      return this;
    }

    public Builder systemPrompt(String systemPrompt) {
      this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
      return this;
    }

    /**
     * Most interactions {@link #getInteractionHistory()} returns and the buffer keeps for this
     * session beyond its ring, the oldest dropped past it; default {@value
     * Session#DEFAULT_MAX_HISTORY}.
     */
    public Builder maxHistory(int maxHistory) {
      if (maxHistory < 0) {
        throw new IllegalArgumentException("maxHistory must be >= 0, was " + maxHistory);
      }
      this.maxHistory = maxHistory;
      return this;
    }

    /** Parameters of every turn that does not pass its own. */
    public Builder defaultParams(GenerationParams params) {
      this.defaultParams = Objects.requireNonNull(params, "params");
      return this;
    }

    /** Metadata added to every turn (e.g. {@code user_id}). */
    public Builder metadata(String key, Object value) {
      // Same checks as a request's metadata.
      LlmRequest.builder().metadata(key, value);
      defaultMetadata.put(key, JsonTree.copy(value, key));
      return this;
    }

    public Session build() {
      return new Session(this);
    }
  }
}
