//! A minimal ZIP writer for the "download all files" button. Entries are
//! stored without compression: the files are a few kilobytes of text, and a
//! deflate implementation would cost more page weight than it saves.

/// Builds a ZIP archive that stores `files` (path, contents) uncompressed.
///
/// Paths use `/` as separator and are flagged as UTF-8. Every entry gets the
/// timestamp 1980-01-01 00:00, the earliest a ZIP can hold, so the same
/// files always give the same bytes. Sizes and offsets must stay below
/// 4 GiB, which the wizard's files do by far, because ZIP64 is not written.
pub fn store(files: &[(&str, &[u8])]) -> Vec<u8> {
    const VERSION_NEEDED: u16 = 10;
    const FLAG_UTF8_NAMES: u16 = 1 << 11;
    const METHOD_STORED: u16 = 0;
    const DOS_TIME: u16 = 0;
    // Day 1, month 1, year 1980 + 0.
    const DOS_DATE: u16 = (1 << 5) | 1;

    let mut archive = Vec::new();
    let mut directory = Vec::new();

    for (path, contents) in files {
        let offset = to_u32(archive.len());
        let crc = crc32(contents);
        let size = to_u32(contents.len());
        let name_length = u16::try_from(path.len()).expect("a file name is under 64 KiB");

        // Local file header, then the data.
        put_u32(&mut archive, 0x0403_4b50);
        for value in [
            VERSION_NEEDED,
            FLAG_UTF8_NAMES,
            METHOD_STORED,
            DOS_TIME,
            DOS_DATE,
        ] {
            put_u16(&mut archive, value);
        }
        for value in [crc, size, size] {
            put_u32(&mut archive, value);
        }
        put_u16(&mut archive, name_length);
        put_u16(&mut archive, 0);
        archive.extend_from_slice(path.as_bytes());
        archive.extend_from_slice(contents);

        // Central directory entry, written after all the data.
        put_u32(&mut directory, 0x0201_4b50);
        for value in [
            VERSION_NEEDED,
            VERSION_NEEDED,
            FLAG_UTF8_NAMES,
            METHOD_STORED,
            DOS_TIME,
            DOS_DATE,
        ] {
            put_u16(&mut directory, value);
        }
        for value in [crc, size, size] {
            put_u32(&mut directory, value);
        }
        // Name length, then no extra field, comment, disk number or
        // internal attributes.
        for value in [name_length, 0, 0, 0, 0] {
            put_u16(&mut directory, value);
        }
        // No external attributes, then the offset of the local header.
        put_u32(&mut directory, 0);
        put_u32(&mut directory, offset);
        directory.extend_from_slice(path.as_bytes());
    }

    let directory_offset = to_u32(archive.len());
    let directory_size = to_u32(directory.len());
    let entries = u16::try_from(files.len()).expect("fewer than 65536 files");
    archive.extend_from_slice(&directory);

    // End of central directory record, without an archive comment.
    put_u32(&mut archive, 0x0605_4b50);
    for value in [0, 0, entries, entries] {
        put_u16(&mut archive, value);
    }
    put_u32(&mut archive, directory_size);
    put_u32(&mut archive, directory_offset);
    put_u16(&mut archive, 0);
    archive
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).expect("a ZIP archive without ZIP64 is limited to 4 GiB")
}

fn put_u16(buffer: &mut Vec<u8>, value: u16) {
    buffer.extend_from_slice(&value.to_le_bytes());
}

fn put_u32(buffer: &mut Vec<u8>, value: u32) {
    buffer.extend_from_slice(&value.to_le_bytes());
}

/// CRC-32 as ZIP uses it (IEEE 802.3, reflected polynomial `0xEDB88320`).
/// Computed bit by bit, without a lookup table, because the files are small
/// and a table would add a kilobyte to the page.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_u16(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([bytes[at], bytes[at + 1]])
    }

    fn read_u32(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn empty_archive_is_end_record_only() {
        let archive = store(&[]);
        assert_eq!(archive.len(), 22);
        assert_eq!(read_u32(&archive, 0), 0x0605_4b50);
    }

    #[test]
    fn entries_are_readable_from_directory() {
        let files: [(&str, &[u8]); 2] = [
            ("policy.json", b"{}\n"),
            ("cli/setup.sh", b"#!/usr/bin/env bash\necho ok\n"),
        ];
        let archive = store(&files);

        let end = archive.len() - 22;
        assert_eq!(read_u32(&archive, end), 0x0605_4b50);
        assert_eq!(read_u16(&archive, end + 10), 2);
        let mut entry = read_u32(&archive, end + 16) as usize;

        for (path, contents) in files {
            assert_eq!(read_u32(&archive, entry), 0x0201_4b50);
            assert_eq!(read_u32(&archive, entry + 16), crc32(contents));
            let name_length = read_u16(&archive, entry + 28) as usize;
            assert_eq!(
                &archive[entry + 46..entry + 46 + name_length],
                path.as_bytes()
            );

            let local = read_u32(&archive, entry + 42) as usize;
            assert_eq!(read_u32(&archive, local), 0x0403_4b50);
            assert_eq!(read_u16(&archive, local + 8), 0, "stored, not deflated");
            let data = local + 30 + name_length;
            assert_eq!(&archive[data..data + contents.len()], contents);

            entry += 46 + name_length;
        }
    }

    #[test]
    fn same_files_give_same_bytes() {
        let files: [(&str, &[u8]); 1] = [("main.tf", b"terraform {}\n")];
        assert_eq!(store(&files), store(&files));
    }
}
