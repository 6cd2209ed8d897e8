package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.ReplyChecks;
/** DATA for the open transaction, reported through the reply to the end of the content. */
public final class DataActionBuilder extends ContentActionBuilder<DataActionBuilder> {

    DataActionBuilder(String name, MessageContent content, ReplyChecks<SmtpReply> checks) {
        super(name, content, checks);
    }

    @Override
    DataActionBuilder with(MessageContent content, ReplyChecks<SmtpReply> checks) {
        return new DataActionBuilder(name, content, checks);
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return (context, next) -> new SmtpStepAction(name, new SmtpStep.Data(content), checks,
                SmtpActionBuilder.components(context), next);
    }
}
