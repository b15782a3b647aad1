import LibraryPage from './LibraryPage';

/** 我的上传: the library filtered to the signed-in user's resources. */
export default function MyUploadsPage() {
  return <LibraryPage mine />;
}
