//! `Codec::adopt`: a constructor of another schema is taken over when this schema has it
//! with the same id and fields, else the reason names what differs (the encode error's text,
//! the same as the pure codec's).

use oxigram_core::tl::{Codec, Field, Foreign};

/// Layer 201's shapes: `replyInlineMarkup` without flags, `replyKeyboardHide` without
/// `selective` (a true flag: the id, the CRC32 of the line without it, is the same).
const OLD: &str = "// LAYER 201
keyboardButtonRow#77608b83 buttons:Vector<KeyboardButton> = KeyboardButtonRow;
keyboardButtonGame#50f41ccf text:string = KeyboardButton;
replyKeyboardHide#a03e5b85 flags:# = ReplyMarkup;
replyInlineMarkup#48a30254 rows:Vector<KeyboardButtonRow> = ReplyMarkup;
";

/// Layer 229's lines of the same names, and one constructor layer 201 lacks (its buttons
/// simplified).
const NEW: &str = "// LAYER 229
keyboardButtonRow#77608b83 buttons:Vector<KeyboardButton> = KeyboardButtonRow;
keyboardButtonGame#50f41ccf text:string = KeyboardButton;
replyKeyboardHide#a03e5b85 flags:# selective:flags.2?true = ReplyMarkup;
replyInlineMarkup#b2b15770 flags:# force_reply:flags.5?true rows:Vector<KeyboardInlineButtonRow> = ReplyMarkup;
keyboardInlineButtonRow#302ff92d buttons:Vector<KeyboardButton> = KeyboardInlineButtonRow;
";

/// Constructor `name` of `codec`, as an object of that schema describes itself.
fn foreign(codec: &Codec, name: &str) -> Foreign {
    let c = codec
        .schema
        .constructors
        .iter()
        .find(|c| c.name == name)
        .expect("declared");
    Foreign {
        name: c.name.clone(),
        id: c.id,
        fields: c.fields.clone(),
    }
}

fn codecs() -> (Codec, Codec) {
    let compile = |text| Codec::from_text(text).expect("the fixture compiles");
    (compile(OLD), compile(NEW))
}

#[test]
fn same_id_and_fields_are_adopted() {
    let (old, new) = codecs();
    assert_eq!(old.adopt(&foreign(&new, "keyboardButtonRow")), Ok(0));
    assert_eq!(new.adopt(&foreign(&old, "keyboardButtonGame")), Ok(1));
}

#[test]
fn the_reason_names_what_differs() {
    let (old, new) = codecs();
    assert_eq!(
        old.adopt(&foreign(&new, "replyInlineMarkup")),
        Err(
            "replyInlineMarkup has id 0x48a30254 in this schema and 0xb2b15770 in the \
             object's schema"
                .into()
        )
    );
    assert_eq!(
        old.adopt(&foreign(&new, "replyKeyboardHide")),
        Err(
            "replyKeyboardHide (0xa03e5b85) fields differ: (flags:#) in this schema, \
             (flags:# selective:flags.2?true) in the object's schema"
                .into()
        )
    );
    assert_eq!(
        old.adopt(&foreign(&new, "keyboardInlineButtonRow")),
        Err(
            "constructor keyboardInlineButtonRow (0x302ff92d) is not in this schema \
             (layer 201)"
                .into()
        )
    );
    let unnamed = Codec::from_text(OLD.split_once('\n').unwrap().1).unwrap();
    assert_eq!(
        unnamed.adopt(&foreign(&new, "keyboardInlineButtonRow")),
        Err("constructor keyboardInlineButtonRow (0x302ff92d) is not in this schema".into())
    );
}

#[test]
fn fields_are_written_as_declared() {
    let field = |name: &str, ty: &str, flag: &str, bit| Field {
        name: name.into(),
        ty: ty.into(),
        flag: flag.into(),
        bit,
    };
    assert_eq!(field("flags", "#", "", -1).to_string(), "flags:#");
    assert_eq!(
        field("url", "string", "flags", 3).to_string(),
        "url:flags.3?string"
    );
}
