package io.niotls.loop;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/** A server handler factory that keeps every handler it made, for the test to inspect. */
final class Handlers<H extends SessionHandler> implements Supplier<H> {
  final LinkedBlockingQueue<H> made = new LinkedBlockingQueue<>();
  private final Supplier<H> factory;

  Handlers(Supplier<H> factory) {
    this.factory = factory;
  }

  @Override
  public H get() {
    H handler = factory.get();
    made.add(handler);
    return handler;
  }
}
