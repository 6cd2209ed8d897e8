package dev.postillion.queue.outbound;

import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.TransportSecurity;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * An SMTP session with a remote server, greeted and ready for mail transactions, one at a time.
 * Its methods may be called from any thread: the work runs on the connection's event loop, and
 * the stages complete there.
 */
public final class OutboundConnection {

    private final Channel channel;
    private final Conversation conversation;
    private final RemoteServer server;
    private final ServerExtensions extensions;
    private final TransportSecurity security;
    private final int reuseLimit;
    private volatile int transactions;
    private volatile boolean retired;

    OutboundConnection(Channel channel, Conversation conversation, RemoteServer server, ServerExtensions extensions,
            TransportSecurity security, int reuseLimit) {
        this.channel = channel;
        this.conversation = conversation;
        this.server = server;
        this.extensions = extensions;
        this.security = security;
        this.reuseLimit = reuseLimit;
    }

    public ServerExtensions extensions() {
        return extensions;
    }

    /** TLS and DANE as negotiated when the session opened, for the queue log. */
    public TransportSecurity security() {
        return security;
    }

    /** {@code host[ip]:port}, for the queue log. */
    public String relay() {
        return server.relay();
    }

    /**
     * Runs one mail transaction for the request's recipients. The stage completes normally, with
     * an outcome for every recipient or, for {@link TransactionResult.Unstarted}, with none.
     */
    public CompletionStage<TransactionResult> send(DeliveryRequest request) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                transactions++;
                return new MailTransaction(this, request).run();
            }, channel.eventLoop()).thenCompose(result -> result);
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down: the connection is as good as lost.
            return CompletableFuture.completedFuture(new TransactionResult.Unstarted(
                    Verdict.lost(server, ConversationBroken.lost(server, Step.MAIL))));
        }
    }

    /**
     * Whether another transaction may go over this connection: it is open, its conversation is
     * in step, and it has not carried {@code connection-reuse-limit} transactions yet.
     */
    public boolean reusable() {
        return channel.isActive() && !conversation.broken() && !retired
                && (reuseLimit == 0 || transactions < reuseLimit);
    }

    /**
     * Ends the session politely (RFC 5321 section 4.1.1.10): QUIT, its reply or its timeout, then
     * the connection is closed. The stage completes once it is.
     */
    public CompletionStage<Void> quit() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(done -> closed.complete(null));
        retired = true;
        try {
            channel.eventLoop().execute(conversation::quit);
        } catch (RejectedExecutionException e) {
            closed.complete(null); // the event loop has stopped, and its connections with it
        }
        return closed;
    }

    /** No more transactions here: the conversation is not in a state another one could start from. */
    void retire() {
        retired = true;
    }

    Conversation conversation() {
        return conversation;
    }

    RemoteServer server() {
        return server;
    }
}
