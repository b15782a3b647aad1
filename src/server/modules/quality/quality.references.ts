import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { ReferenceCounter } from '../../contracts/references.js';

/** How many exam scores name a class (score tables have no foreign keys; the services check). */
export async function scoresOfClass(db: Db, classId: number): Promise<number> {
  const r = await db
    .selectFrom('quality_scores')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('class_id', '=', classId)
    .executeTakeFirstOrThrow();
  return r.n;
}

/** What names a school in this module: exam scores (no foreign key), classes and students. */
export const schoolReferences: ReferenceCounter = async (db, schoolId) => {
  const r = await db
    .selectNoFrom([
      sql<number>`(select count(*)::int from quality_scores where school_id = ${schoolId})`.as('scores'),
      sql<number>`(select count(*)::int from quality_classes where school_id = ${schoolId})`.as('classes'),
      sql<number>`(select count(*)::int from quality_students where school_id = ${schoolId})`.as('students'),
    ])
    .executeTakeFirstOrThrow();
  return [
    { count: r.scores, zh: `${r.scores} 条考试成绩`, en: `${r.scores} exam scores` },
    { count: r.classes, zh: `${r.classes} 个班级`, en: `${r.classes} classes` },
    { count: r.students, zh: `${r.students} 名学生`, en: `${r.students} students` },
  ];
};
