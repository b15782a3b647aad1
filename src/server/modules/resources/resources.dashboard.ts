import { label } from '../../../shared/dashboard.schemas.js';
import { resourceSearchQuery } from '../../../shared/resources.schemas.js';
import { regionContains } from '../../../shared/regions.js';
import { CoursesService } from './courses.service.js';
import { ResourcesService } from './resources.service.js';
import { linkQuery, type PanelDefinition } from '../../contracts/dashboard-panel.js';

/**
 * Shared courses (class hours, students reached: Haining 2023, 655 hours and ~3,000 students) and
 * the size of the resource library, from the resources module's totals and search APIs.
 */
const resourcesPanel: PanelDefinition = {
  key: 'resources.overview',
  module: 'resources',
  title: label('课程共建与资源共享', 'Shared courses and resources'),
  order: 40,
  ignores: ['semester', 'level', 'locationClass'],
  async load(ctx) {
    const { scope, filters } = ctx;
    const groupBy = scope.view === 'region' ? 'region' : scope.view;
    const courses = new CoursesService(ctx.db);
    const [totals, byCommunity, library] = await Promise.all([
      courses.totals(ctx.actor, { groupBy, schoolYear: filters.schoolYear }),
      scope.view === 'region'
        ? courses.totals(ctx.actor, { groupBy: 'community', schoolYear: filters.schoolYear })
        : null,
      new ResourcesService(ctx.db).search(
        ctx.actor,
        resourceSearchQuery.parse({
          page: 1,
          pageSize: 1,
          ...(scope.communityId ? { communityId: String(scope.communityId) } : {}),
          ...(scope.schoolId ? { schoolId: String(scope.schoolId) } : {}),
        }),
      ),
    ]);
    const rows = totals.rows.filter((r) =>
      scope.view === 'region'
        ? /^\d{6}$/.test(r.key) && regionContains(scope.regionCode!, r.key)
        : r.key === String(scope.communityId ?? scope.schoolId),
    );
    const hours = rows.reduce((a, r) => a + r.classHours, 0);
    // distinct pupils: a region view sums its counties (a class belongs to one school, so to one county
    // only through its courses' owners; the region total is counted at once when it covers all rows)
    const whole = scope.view === 'region' && rows.length === totals.rows.filter((r) => /^\d{6}$/.test(r.key)).length;
    const students = whole ? totals.total.students : rows.reduce((a, r) => a + r.students, 0);
    const studentTimes = whole ? totals.total.studentTimes : rows.reduce((a, r) => a + r.studentTimes, 0);
    const courseLink = {
      path: '/shared-courses',
      query: linkQuery({ schoolYear: filters.schoolYear, communityId: scope.communityId, schoolId: scope.schoolId }),
    };
    return {
      figures: [
        {
          key: 'sharedClassHours',
          label: label('共享课程课时', 'Shared class hours'),
          value: Math.round(hours * 10) / 10,
          unit: 'hours',
          drillDown: courseLink,
        },
        {
          key: 'sharedStudents',
          label: label('共享课程受益学生（去重）', 'Students reached by shared courses (distinct)'),
          value: students,
          unit: 'students',
          drillDown: courseLink,
          hint: label(
            `选课合计 ${studentTimes} 人次（同一班级选多门课按多次计）`,
            `${studentTimes} enrolments (a class in two courses counts twice)`,
          ),
        },
        {
          key: 'resources',
          label: label('共享资源', 'Shared resources'),
          value: library.total,
          unit: 'items',
          drillDown: {
            path: '/resources',
            query: linkQuery({ communityId: scope.communityId, schoolId: scope.schoolId }),
          },
        },
      ],
      charts:
        scope.view === 'school'
          ? []
          : [
              {
                key: 'sharedHoursBy',
                kind: 'rank',
                title: label('共享课时排行', 'Shared class hours ranking'),
                unit: 'hours',
                points: (byCommunity ?? totals).rows
                  .filter((r) => r.classHours > 0 && r.key !== '-')
                  .slice(0, 15)
                  .map((r) => ({ name: label(r.name, r.name), value: r.classHours })),
              },
            ],
    };
  },
};

export const resourcesPanels: PanelDefinition[] = [resourcesPanel];
