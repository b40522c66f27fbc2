export { writeMusicXml, type WriteMusicXmlOptions } from './write.ts';
export { readMusicXml, type ReadScore, type ReadNote, type ReadMeasure } from './read.ts';
export { parseXml, type XmlElement } from './xml-tree.ts';
export { chordKind, harmonyXml } from './harmony.ts';
