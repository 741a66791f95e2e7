package dev.otelllm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.output.FinishReason;
import dev.otelllm.LlmRequest;
import dev.otelllm.Message;
import dev.otelllm.Part;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatConversionTest {

  @Test
  void request_firstSystemMessageIsTheInstructions_othersKeepTheirPlace() {
    ChatRequest r =
        ChatRequest.builder()
            .messages(
                SystemMessage.from("Be brief."),
                UserMessage.from("Hi"),
                AiMessage.from(
                    ToolExecutionRequest.builder()
                        .id("c1")
                        .name("lookup")
                        .arguments("{\"q\":\"x\"}")
                        .build()),
                ToolExecutionResultMessage.from("c1", "lookup", "found"),
                SystemMessage.from("Now answer."),
                UserMessage.from(
                    TextContent.from("What is this?"),
                    ImageContent.from("https://example.com/cat.png")))
            .modelName("m")
            .temperature(0.5)
            .stopSequences(List.of("END"))
            .toolChoice(ToolChoice.REQUIRED)
            .responseFormat(ResponseFormat.JSON)
            .build();

    LlmRequest out = ChatConversion.request(r, Map.of("step_type", "plan"));

    assertThat(out.systemPrompt()).contains("Be brief.");
    assertThat(out.model()).contains("m");
    assertThat(out.messages())
        .extracting(Message::role)
        .containsExactly("user", "assistant", "tool", "system", "user");
    assertThat(out.messages().get(1).toolCalls())
        .containsExactly(new Part.ToolCall("c1", "lookup", Map.of("q", "x"), "{\"q\":\"x\"}"));
    assertThat(out.messages().get(2))
        .isEqualTo(
            new Message("tool", List.of(new Part.ToolCallResponse("c1", "found")), "lookup"));
    assertThat(out.messages().get(4).parts())
        .containsExactly(
            new Part.Text("What is this?"),
            new Part.Uri("", "image", "https://example.com/cat.png"));
    assertThat(out.params().temperature()).hasValue(0.5);
    assertThat(out.params().stopSequences()).containsExactly("END");
    assertThat(out.params().outputType()).contains("json");
    assertThat(out.params().extra()).containsEntry("tool_choice", "required");
    assertThat(out.metadata()).containsEntry("step_type", "plan");
  }

  @Test
  void request_ofOnlyASystemMessage_keepsItAsAMessage() {
    LlmRequest out =
        ChatConversion.request(
            ChatRequest.builder().messages(SystemMessage.from("Only this")).build(), Map.of());
    assertThat(out.systemPrompt()).isEmpty();
    assertThat(out.messages()).containsExactly(Message.system("Only this"));
  }

  @Test
  void request_dropsMetadataTheLibraryRefuses() {
    LlmRequest out =
        ChatConversion.request(
            ChatRequest.builder().messages(UserMessage.from("Hi")).build(),
            Map.of("span_id", "x", "ok", 1));
    assertThat(out.metadata()).containsOnlyKeys("ok");
  }

  @Test
  void toolArguments_thatAreNotAJsonObject_areKeptRaw() {
    assertThat(ChatConversion.arguments("{\"a\":1}")).isEqualTo(Map.of("a", 1L));
    assertThat(ChatConversion.arguments("not json")).isEqualTo(Map.of("_raw", "not json"));
    assertThat(ChatConversion.arguments("[1]")).isEqualTo(Map.of("_raw", "[1]"));
    assertThat(ChatConversion.arguments(" ")).isEmpty();
  }

  @Test
  void finishReasons_inTheConventionsTerms() {
    assertThat(ChatConversion.finishReason(FinishReason.STOP)).isEqualTo("stop");
    assertThat(ChatConversion.finishReason(FinishReason.LENGTH)).isEqualTo("length");
    assertThat(ChatConversion.finishReason(FinishReason.TOOL_EXECUTION)).isEqualTo("tool_call");
    assertThat(ChatConversion.finishReason(FinishReason.CONTENT_FILTER))
        .isEqualTo("content_filter");
    assertThat(ChatConversion.finishReason(FinishReason.OTHER)).isEqualTo("other");
    assertThat(ChatConversion.finishReason(null)).isNull();
  }

  @Test
  void errorType_isTheHttpStatus_orTimeout_orTheClass() {
    assertThat(ChatConversion.errorType(new RateLimitException(new HttpException(429, "slow"))))
        .isEqualTo("429");
    assertThat(ChatConversion.errorType(new RuntimeException(new HttpTimeoutException("t"))))
        .isEqualTo("timeout");
    assertThat(ChatConversion.errorType(new IllegalStateException("x")))
        .isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void openAiFinishReason_isFoundInTheRawAnswer_notInTheAnswersText() {
    assertThat(OpenAiDetails.finishReasonIn("{\"finish_reason\": \"tool_calls\"}"))
        .isEqualTo("tool_calls");
    assertThat(
            OpenAiDetails.finishReasonIn(
                "{\"content\":\"say \\\"finish_reason\\\":\\\"x\\\"\",\"finish_reason\":null}"))
        .isNull();
    assertThat(OpenAiDetails.finishReasonIn("{\"finish_reason\":null,\"finish_reason\":\"stop\"}"))
        .isEqualTo("stop");
    assertThat(OpenAiDetails.finishReasonIn(null)).isNull();
  }
}
