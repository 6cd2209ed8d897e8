package dev.postillion.queue.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's half of one SMTP connection, on the connection's event loop: it writes commands and
 * pairs each reply with the command it answers. Replies come in the order of the commands, batched
 * or not (RFC 2920 section 3.1), so the commands awaiting a reply form a queue.
 *
 * <p>Each reply has its step's timeout, counted from when the reply before it came (or its command
 * was written, if later), as Postfix counts its smtp_*_timeout per read. Content has its own
 * timer, restarted by each piece written, so that a large message on a slow link is not cut off
 * while it still moves. A reply too late, a lost connection, or a reply that cannot be read breaks
 * the conversation: every reply still awaited, and every later command, fails with
 * {@link ConversationBroken}, and the connection is closed.
 *
 * <p>Every method runs on the event loop; the futures complete there.
 */
final class Conversation extends SimpleChannelInboundHandler<SmtpReply> {

    private static final Logger log = LoggerFactory.getLogger(Conversation.class);
    /** Content is written in pieces this large; each one written restarts the transfer timer. */
    private static final int CONTENT_PIECE = 64 * 1024;
    /** The outbound client's log for operators, as Postfix's smtp(8) writes to the mail log. */
    private static final Logger tlsLog = LoggerFactory.getLogger("postillion.smtp");

    private static final class Awaited {
        final Step step;
        final CompletableFuture<SmtpReply> reply = new CompletableFuture<>();
        /** Written to the socket (or, for the greeting, connected): its timer may run. */
        boolean sent;

        Awaited(Step step) {
            this.step = step;
        }
    }

    private final RemoteServer server;
    private final SmtpClientSettings settings;
    private final Deque<Awaited> awaited = new ArrayDeque<>();
    /** The server speaks first (RFC 5321 section 3.1): its greeting is awaited from the start. */
    private final Awaited greeting = new Awaited(Step.GREETING);
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> replyTimer;
    private ScheduledFuture<?> transferTimer;
    /** Read by the destination queue, on its own thread, to decide whether to reuse the connection. */
    private volatile boolean broken;

    Conversation(RemoteServer server, SmtpClientSettings settings) {
        this.server = server;
        this.settings = settings;
        awaited.add(greeting);
    }

    CompletableFuture<SmtpReply> greeting() {
        return greeting.reply;
    }

    boolean broken() {
        return broken;
    }

    /** Writes a command without flushing it; its reply completes the future, in order. */
    CompletableFuture<SmtpReply> send(String command, Step step) {
        Awaited next = new Awaited(step);
        if (broken) {
            next.reply.completeExceptionally(ConversationBroken.lost(server, step));
            return next.reply;
        }
        awaited.add(next);
        ctx.write(ByteBufUtil.writeUtf8(ctx.alloc(), command + "\r\n"))
                .addListener((ChannelFuture written) -> afterWrite(written, next));
        return next.reply;
    }

    void flush() {
        ctx.flush();
    }

    /** Sends a command now: the next step depends on its reply. */
    CompletableFuture<SmtpReply> ask(String command, Step step) {
        CompletableFuture<SmtpReply> reply = send(command, step);
        flush();
        return reply;
    }

    /**
     * Ends the session politely (RFC 5321 section 4.1.1.10): QUIT, then the connection is closed
     * on its reply, on its timeout, or at once if the conversation is already broken.
     */
    void quit() {
        ask("QUIT", Step.QUIT).whenComplete((reply, failure) -> ctx.close());
    }

    /**
     * Writes message content, already dot-stuffed and ending with the final dot line, and flushes
     * it; the future completes with the reply to the end of DATA. Takes ownership of the buffer.
     */
    CompletableFuture<SmtpReply> sendContent(ByteBuf content) {
        Awaited end = new Awaited(Step.END_OF_DATA);
        if (broken) {
            content.release();
            end.reply.completeExceptionally(ConversationBroken.lost(server, Step.CONTENT));
            return end.reply;
        }
        awaited.add(end);
        restartTransferTimer();
        while (content.readableBytes() > CONTENT_PIECE) {
            ctx.write(content.readRetainedSlice(CONTENT_PIECE))
                    .addListener((ChannelFuture written) -> afterContentPiece(written));
        }
        ctx.writeAndFlush(content).addListener((ChannelFuture written) -> {
            afterContentPiece(written);
            if (written.isSuccess()) {
                cancelTransferTimer();
                afterWrite(written, end);
            }
        });
        return end.reply;
    }

    /**
     * Puts TLS under the conversation, after a 220 reply to STARTTLS (RFC 3207 section 4): the
     * handler goes first in the pipeline, so that everything read from now on is decrypted first,
     * and a fresh reply decoder after it. Called on the 220 itself, before anything more is read.
     * The future completes with the TLS session once the handshake is done; a failed handshake, or
     * plain text that came after the 220, breaks the conversation, and fails the future with why.
     */
    CompletableFuture<SSLSession> startTls(SslHandler tls) {
        CompletableFuture<SSLSession> secured = new CompletableFuture<>();
        SmtpReplyDecoder decoder = ctx.pipeline().get(SmtpReplyDecoder.class);
        if (!decoder.idle()) {
            tlsFailed(secured, "plain text after the 220 reply to STARTTLS");
            return secured;
        }
        ctx.pipeline().replace(decoder, null, new SmtpReplyDecoder());
        ctx.pipeline().addFirst(tls);
        tls.handshakeFuture().addListener(handshake -> {
            if (handshake.isSuccess()) {
                secured.complete(tls.engine().getSession());
            } else {
                log.info("TLS handshake with {} failed", server, handshake.cause());
                tlsFailed(secured, handshakeFailure(handshake.cause()));
            }
        });
        return secured;
    }

    /** Postfix's words for a failed handshake; the library's own text goes to the log only. */
    private static String handshakeFailure(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof SslHandshakeTimeoutException) {
                return "handshake timed out";
            }
            if (c instanceof CertificateException || c instanceof CertPathValidatorException) {
                return "server certificate not trusted";
            }
        }
        return "handshake failure";
    }

    private void tlsFailed(CompletableFuture<SSLSession> secured, String why) {
        ConversationBroken failure = ConversationBroken.tlsFailed(server, why);
        // Postfix's smtp(8) line: a falling back to plain text leaves no other trace of the failure.
        // The relay and what happened as fields, for the JSON log format (postillion.log.format).
        tlsLog.atInfo().addKeyValue("relay", server.relay()).addKeyValue("outcome", "tls_failed")
                .log("SSL_connect error to {}: {}", server.relay(), why);
        breakOff(failure);
        secured.completeExceptionally(failure);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        greeting.sent = true;
        armReplyTimer();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SmtpReply reply) {
        Awaited answered = awaited.poll();
        if (answered == null) {
            // Nothing was asked: typically a 421 before the server drops an idle connection.
            breakOff(ConversationBroken.lost(server, null));
            return;
        }
        cancelReplyTimer();
        answered.reply.complete(reply);
        armReplyTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        breakOff(ConversationBroken.lost(server, currentStep()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        breakOff(cause instanceof DecoderException
                ? ConversationBroken.unreadable(server, currentStep(), cause.getCause() == null
                        ? cause.getMessage() : cause.getCause().getMessage())
                : ConversationBroken.lost(server, currentStep()));
    }

    private void afterWrite(ChannelFuture written, Awaited command) {
        if (written.isSuccess()) {
            command.sent = true;
            armReplyTimer();
        } else {
            breakOff(ConversationBroken.lost(server, command.step));
        }
    }

    private void afterContentPiece(ChannelFuture written) {
        if (!written.isSuccess()) {
            breakOff(ConversationBroken.lost(server, Step.CONTENT));
        } else if (transferTimer != null) {
            restartTransferTimer();
        }
    }

    /** What the client is doing now, for the words of a failure: nothing, when the connection is idle. */
    private Step currentStep() {
        if (transferTimer != null) {
            return Step.CONTENT;
        }
        Awaited head = awaited.peek();
        return head == null ? null : head.step;
    }

    private void armReplyTimer() {
        Awaited head = awaited.peek();
        if (replyTimer == null && head != null && head.sent && !broken) {
            replyTimer = ctx.executor().schedule(() -> breakOff(ConversationBroken.timedOut(server, head.step)),
                    head.step.timeout(settings).toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void cancelReplyTimer() {
        if (replyTimer != null) {
            replyTimer.cancel(false);
            replyTimer = null;
        }
    }

    private void restartTransferTimer() {
        cancelTransferTimer();
        transferTimer = ctx.executor().schedule(() -> breakOff(ConversationBroken.timedOut(server, Step.CONTENT)),
                Step.CONTENT.timeout(settings).toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTransferTimer() {
        if (transferTimer != null) {
            transferTimer.cancel(false);
            transferTimer = null;
        }
    }

    private void breakOff(ConversationBroken failure) {
        if (broken) {
            return;
        }
        broken = true;
        cancelReplyTimer();
        cancelTransferTimer();
        for (Awaited next = awaited.poll(); next != null; next = awaited.poll()) {
            next.reply.completeExceptionally(failure);
        }
        ctx.close();
    }
}
