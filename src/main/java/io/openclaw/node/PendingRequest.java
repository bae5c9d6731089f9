package io.openclaw.node;

import io.vertx.core.eventbus.Message;

/**
 * One request waiting in a shard for its bucket's decision, and where the answer goes: back to the sender of a
 * single request, or into the answer of the batch it came in, which is sent once its last request is answered.
 * Used on the shard's context only.
 */
abstract class PendingRequest {
  private final long tokens;

  private PendingRequest(long tokens) {
    this.tokens = tokens;
  }

  long tokens() {
    return tokens;
  }

  abstract void decided(RateReply reply);

  abstract void failed(RateFailure failure, String detail);

  static PendingRequest single(Message<?> message, RateRequest request) {
    return new Single(message, request.tokens());
  }

  /** The requests of a batch message, each answering into one shared batch answer. */
  static PendingRequest[] batch(Message<?> message, RateBatch batch) {
    BatchAnswer answer = new BatchAnswer(message, batch.requests().size());
    PendingRequest[] items = new PendingRequest[batch.requests().size()];
    for (int i = 0; i < items.length; i++) {
      items[i] = new Item(answer, i, batch.requests().get(i).tokens());
    }
    return items;
  }

  private static final class Single extends PendingRequest {
    private final Message<?> message;

    Single(Message<?> message, long tokens) {
      super(tokens);
      this.message = message;
    }

    @Override
    void decided(RateReply reply) {
      message.reply(reply);
    }

    @Override
    void failed(RateFailure failure, String detail) {
      message.fail(failure.code(), detail);
    }
  }

  private static final class Item extends PendingRequest {
    private final BatchAnswer answer;
    private final int index;

    Item(BatchAnswer answer, int index, long tokens) {
      super(tokens);
      this.answer = answer;
      this.index = index;
    }

    @Override
    void decided(RateReply reply) {
      answer.set(index, RateBatchReply.Outcome.decided(reply));
    }

    @Override
    void failed(RateFailure failure, String detail) {
      answer.set(index, RateBatchReply.Outcome.failed(failure));
    }
  }

  private static final class BatchAnswer {
    private final Message<?> message;
    private final RateBatchReply.Outcome[] outcomes;
    private int unanswered;

    BatchAnswer(Message<?> message, int size) {
      this.message = message;
      this.outcomes = new RateBatchReply.Outcome[size];
      this.unanswered = size;
    }

    void set(int index, RateBatchReply.Outcome outcome) {
      outcomes[index] = outcome;
      if (--unanswered == 0) {
        message.reply(new RateBatchReply(java.util.Arrays.asList(outcomes)));
      }
    }
  }
}
