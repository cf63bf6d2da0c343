package io.niotls.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sits after the TLS handler and writes down the user events and exceptions that reach it; reads
 * pass on. Exceptions are kept, not passed on, so failure tests can look at them; success tests
 * assert there are none.
 */
final class Recorder extends ChannelInboundHandlerAdapter {
  final List<Object> events = new CopyOnWriteArrayList<>();
  final List<Throwable> exceptions = new CopyOnWriteArrayList<>();

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    events.add(evt);
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    exceptions.add(cause);
  }

  /** The recorded events of one type, in order. */
  <T> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
