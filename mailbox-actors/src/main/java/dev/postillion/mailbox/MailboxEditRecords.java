package dev.postillion.mailbox;

import com.google.protobuf.ByteString;
import dev.postillion.mailbox.MailboxEdit.Edited;
import dev.postillion.mailbox.MailboxEdit.FlagsChanged;
import dev.postillion.mailbox.MailboxEdit.Refusal;
import dev.postillion.mailbox.proto.AppendEdit;
import dev.postillion.mailbox.proto.EditMessage;
import dev.postillion.mailbox.proto.EditedMessage;
import dev.postillion.mailbox.proto.ExpungeEdit;
import dev.postillion.mailbox.proto.FlagsChangedRecord;
import dev.postillion.mailbox.proto.FlagsEdit;
import dev.postillion.mailbox.proto.FlagsRecord;
import dev.postillion.mailbox.proto.RenameEdit;
import dev.postillion.mailbox.proto.SubscribeEdit;
import dev.postillion.mailbox.proto.TransferEdit;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.roaringbitmap.RoaringBitmap;

/** {@link MailboxEdit}s and their answers as Protobuf records, for a mailbox on another node. */
final class MailboxEditRecords {

    private MailboxEditRecords() {}

    static EditMessage.Builder toRecord(MailboxEdit edit) {
        EditMessage.Builder record = EditMessage.newBuilder();
        if (edit instanceof MailboxEdit.CreateFolder create) {
            record.setCreateFolder(create.name());
        } else if (edit instanceof MailboxEdit.DeleteFolder delete) {
            record.setDeleteFolder(delete.name());
        } else if (edit instanceof MailboxEdit.RenameFolder rename) {
            record.setRenameFolder(RenameEdit.newBuilder().setFrom(rename.from()).setTo(rename.to()));
        } else if (edit instanceof MailboxEdit.Subscribe subscribe) {
            record.setSubscribe(SubscribeEdit.newBuilder().setName(subscribe.name())
                    .setSubscribed(subscribe.subscribed()));
        } else if (edit instanceof MailboxEdit.Append append) {
            record.setAppend(AppendEdit.newBuilder().setFolder(append.folder())
                    .setContent(ByteString.copyFrom(append.content())).setFlags(flags(append.flags()))
                    .setInternalDateMillis(append.internalDate().toEpochMilli()));
        } else if (edit instanceof MailboxEdit.SetFlags set) {
            record.setSetFlags(FlagsEdit.newBuilder().setFolder(set.folder()).setUids(uids(set.uids()))
                    .setChange(set.change().ordinal()).setFlags(flags(set.flags()))
                    .setUnchangedSince(set.unchangedSince()));
        } else if (edit instanceof MailboxEdit.Copy copy) {
            record.setCopy(transfer(copy.folder(), copy.uids(), copy.target()));
        } else if (edit instanceof MailboxEdit.Move move) {
            record.setMove(transfer(move.folder(), move.uids(), move.target()));
        } else if (edit instanceof MailboxEdit.Expunge expunge) {
            record.setExpunge(ExpungeEdit.newBuilder().setFolder(expunge.folder()).setAll(expunge.uids() == null)
                    .setUids(expunge.uids() == null ? ByteString.EMPTY : uids(expunge.uids())));
        } else if (edit instanceof MailboxEdit.Restore restore) {
            record.setRestore(restore.deletedId());
        } else {
            record.setOpen(true);
        }
        return record;
    }

    static MailboxEdit fromRecord(EditMessage record) {
        return switch (record.getEditCase()) {
            case CREATE_FOLDER -> new MailboxEdit.CreateFolder(record.getCreateFolder());
            case DELETE_FOLDER -> new MailboxEdit.DeleteFolder(record.getDeleteFolder());
            case RENAME_FOLDER -> new MailboxEdit.RenameFolder(record.getRenameFolder().getFrom(),
                    record.getRenameFolder().getTo());
            case SUBSCRIBE -> new MailboxEdit.Subscribe(record.getSubscribe().getName(),
                    record.getSubscribe().getSubscribed());
            case APPEND -> new MailboxEdit.Append(record.getAppend().getFolder(),
                    record.getAppend().getContent().toByteArray(), flags(record.getAppend().getFlags()),
                    Instant.ofEpochMilli(record.getAppend().getInternalDateMillis()));
            case SET_FLAGS -> new MailboxEdit.SetFlags(record.getSetFlags().getFolder(),
                    MailStore.bitmap(record.getSetFlags().getUids().toByteArray()),
                    MessageFlags.Change.values()[record.getSetFlags().getChange()],
                    flags(record.getSetFlags().getFlags()), record.getSetFlags().getUnchangedSince());
            case COPY -> new MailboxEdit.Copy(record.getCopy().getFolder(),
                    MailStore.bitmap(record.getCopy().getUids().toByteArray()), record.getCopy().getTarget());
            case MOVE -> new MailboxEdit.Move(record.getMove().getFolder(),
                    MailStore.bitmap(record.getMove().getUids().toByteArray()), record.getMove().getTarget());
            case EXPUNGE -> new MailboxEdit.Expunge(record.getExpunge().getFolder(), record.getExpunge().getAll()
                    ? null : MailStore.bitmap(record.getExpunge().getUids().toByteArray()));
            case RESTORE -> new MailboxEdit.Restore(record.getRestore());
            case OPEN, EDIT_NOT_SET -> new MailboxEdit.Open();
        };
    }

    static EditedMessage toRecord(Edited edited) {
        EditedMessage.Builder record = EditedMessage.newBuilder().setFolder(edited.folder())
                .setUidValidity(edited.uidValidity()).addAllSourceUids(edited.sourceUids()).addAllUids(edited.uids())
                .addAllModified(edited.modified()).addAllExpunged(edited.expunged());
        if (edited.refusal() != null) {
            record.setRefusal(edited.refusal().reason().ordinal() + 1).setRefusalText(edited.refusal().text());
        }
        edited.changed().forEach(changed -> record.addChanged(FlagsChangedRecord.newBuilder().setUid(changed.uid())
                .setFlags(flags(changed.flags())).setModSeq(changed.modSeq())));
        return record.build();
    }

    static Edited fromRecord(EditedMessage record) {
        Refusal refusal = record.getRefusal() == 0 ? null
                : new Refusal(Refusal.Reason.values()[record.getRefusal() - 1], record.getRefusalText());
        return new Edited(refusal, record.getFolder(), record.getUidValidity(), record.getSourceUidsList(),
                record.getUidsList(), record.getChangedList().stream()
                        .map(changed -> new FlagsChanged(changed.getUid(), flags(changed.getFlags()),
                                changed.getModSeq()))
                        .toList(), record.getModifiedList(), record.getExpungedList());
    }

    private static TransferEdit transfer(String folder, RoaringBitmap uids, String target) {
        return TransferEdit.newBuilder().setFolder(folder).setUids(uids(uids)).setTarget(target).build();
    }

    private static FlagsRecord flags(MessageFlags flags) {
        return FlagsRecord.newBuilder().setSystem(flags.system()).addAllKeywords(flags.keywords()).build();
    }

    private static MessageFlags flags(FlagsRecord record) {
        return new MessageFlags(record.getSystem(), record.getKeywordsList());
    }

    private static ByteString uids(RoaringBitmap uids) {
        ByteString.Output bytes = ByteString.newOutput(uids.serializedSizeInBytes());
        try {
            uids.serialize(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteString();
    }
}
