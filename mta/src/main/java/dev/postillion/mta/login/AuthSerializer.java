package dev.postillion.mta.login;

import dev.postillion.core.ProtocolSerializer;
import dev.postillion.mta.login.proto.AuthCountMessage;
import dev.postillion.mta.login.proto.AuthCountedMessage;
import dev.postillion.mta.login.proto.PasswordChangedMessage;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * Protobuf serialization of what the cluster's nodes tell each other about logins: the {@link
 * ClientAuthAttempts} protocol, for counts that live on another node, and {@link
 * LoginSessions.CredentialChanged}, published to every node. Bound in mta's reference.conf.
 */
public final class AuthSerializer extends ProtocolSerializer {

    public AuthSerializer(ExtendedActorSystem system) {
        super(system, 74_204, "auth");
        bind("C", ClientAuthAttempts.Count.class,
                count -> AuthCountMessage.newBuilder().setLimit(count.limit()).setDeadlineMillis(count.deadlineMillis())
                        .setReplyTo(resolver.toSerializationFormat(count.replyTo())).build().toByteArray(),
                bytes -> {
                    AuthCountMessage count = AuthCountMessage.parseFrom(bytes);
                    return new ClientAuthAttempts.Count(count.getLimit(), count.getDeadlineMillis(),
                            resolver.resolveActorRef(count.getReplyTo()));
                });
        bind("A", ClientAuthAttempts.Counted.class,
                counted -> AuthCountedMessage.newBuilder().setAdmitted(counted.admitted())
                        .setInARow(counted.inARow()).build().toByteArray(),
                bytes -> {
                    AuthCountedMessage counted = AuthCountedMessage.parseFrom(bytes);
                    return new ClientAuthAttempts.Counted(counted.getAdmitted(), counted.getInARow());
                });
        bind("T", ClientAuthAttempts.TakeBack.class, ClientAuthAttempts.TakeBack::new);
        bind("P", ClientAuthAttempts.Passivate.class, ClientAuthAttempts.Passivate::new);
        bind("W", LoginSessions.CredentialChanged.class,
                changed -> PasswordChangedMessage.newBuilder().setAddress(changed.address())
                        .setCredential(changed.credential()).setPasswordVersion(changed.version()).build()
                        .toByteArray(),
                bytes -> {
                    PasswordChangedMessage changed = PasswordChangedMessage.parseFrom(bytes);
                    return new LoginSessions.CredentialChanged(changed.getAddress(), changed.getCredential(),
                            changed.getPasswordVersion());
                });
    }
}
